#!/bin/sh
# The seed's third line: EAGLE with topk 4 under spec v2 (only topk 1 is supported).
docker run --rm --name sglang --gpus all --ipc=host -p 30000:30000 -v /models:/models \
  -e SGLANG_ENABLE_SPEC_V2=True \
  lmsysorg/sglang:spark \
  python3 -m sglang.launch_server --model-path /models/mistral-small-4 \
    --mem-fraction-static 0.75 \
    --speculative-algorithm EAGLE --speculative-draft-model-path /models/mistral-small-4-eagle \
    --speculative-num-steps 3 --speculative-eagle-topk 4 --speculative-num-draft-tokens 16 \
    --host 0.0.0.0 --port 30000
