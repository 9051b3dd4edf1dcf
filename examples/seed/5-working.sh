#!/bin/sh
# The seed's "working" command. It has a landmine its author did not notice: the SGLang flags
# stand before the image name, where docker parses them as its own options.
docker run --rm --name sglang --gpus all --ipc=host -p 30000:30000 -v /models:/models \
  --model-path /models/mistral-small-4 --mem-fraction-static 0.75 \
  lmsysorg/sglang:spark python3 -m sglang.launch_server --host 0.0.0.0 --port 30000
