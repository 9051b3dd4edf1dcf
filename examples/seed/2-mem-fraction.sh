#!/bin/sh
# The seed's second line: "too tight" -- it crashed during warm-up at 0.88.
docker run --rm --name sglang --gpus all --ipc=host -p 30000:30000 -v /models:/models \
  lmsysorg/sglang:spark \
  python3 -m sglang.launch_server --model-path /models/mistral-small-4 \
    --mem-fraction-static 0.88 --host 0.0.0.0 --port 30000
