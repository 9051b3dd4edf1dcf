#!/bin/sh
# The seed's fourth line: FlashInfer attention "pushed total memory over the edge".
docker run --rm --name sglang --gpus all --ipc=host -p 30000:30000 -v /models:/models \
  lmsysorg/sglang:spark \
  python3 -m sglang.launch_server --model-path /models/mistral-small-4 \
    --mem-fraction-static 0.75 --attention-backend flashinfer --host 0.0.0.0 --port 30000
