#!/bin/bash
# NVIDIA DGX Spark playbook style: vLLM in NVIDIA's container, as the quick start shows it.
# headroom lint finds: HR104 (no --ipc=host / --shm-size), HR105 (no --name),
# HR351 (--gpu-memory-utilization unset: the default takes 90 % of the shared pool).
docker run -it --gpus all -p 8000:8000 \
  nvcr.io/nvidia/vllm:25.09-py3 \
  vllm serve "Qwen/Qwen2.5-Math-1.5B-Instruct"
