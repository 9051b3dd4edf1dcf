#!/bin/sh
# The seed's first docker run line: --rm and a restart policy together.
docker run -d --rm --restart unless-stopped --name sglang --gpus all --ipc=host \
  -p 30000:30000 -v /models:/models \
  lmsysorg/sglang:spark \
  python3 -m sglang.launch_server --model-path /models/mistral-small-4 \
    --mem-fraction-static 0.75 --host 0.0.0.0 --port 30000
