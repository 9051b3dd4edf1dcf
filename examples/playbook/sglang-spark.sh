#!/bin/bash
# NVIDIA DGX Spark playbook style: SGLang in the Spark image, interactive, removed on exit.
# headroom lint: clean.
set -euo pipefail
export HF_TOKEN=${HF_TOKEN:?set HF_TOKEN}
sudo sh -c 'sync; echo 3 > /proc/sys/vm/drop_caches'
docker run --gpus all -it --rm --name sglang \
  --ipc=host -p 30000:30000 \
  -v ~/.cache/huggingface:/root/.cache/huggingface \
  -e HF_TOKEN="$HF_TOKEN" \
  lmsysorg/sglang:spark \
  python3 -m sglang.launch_server \
    --model-path Qwen/Qwen3-8B \
    --mem-fraction-static 0.75 \
    --host 0.0.0.0 --port 30000
