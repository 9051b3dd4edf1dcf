source ./c.env
if [ -n "$X" ]; then U="${U:-0.9}"; elif true; then U=0.7; else A=( --x "${B[@]}" ); fi
CMD="vllm serve m --gpu-memory-utilization $U ${A[@]}"
exec $CMD
---
U=0.95
export B=1
