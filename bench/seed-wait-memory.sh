#!/bin/bash
# The seed's sglang-wait-memory.sh TARGET_GB MAX_WAIT_S, reconstructed from its description as
# the baseline headroom wait replaces: poll `free -g` until the "available" column reaches the
# target, or give up. The seed polls every 5 s; SEED_INTERVAL (seconds) changes that so the
# benchmark can compare both at the same interval.
TARGET_GB=${1:?target GiB}
MAX_WAIT=${2:?max wait seconds}
INTERVAL=${SEED_INTERVAL:-5}
start=$SECONDS
while true; do
  avail=$(free -g | awk '/^Mem:/ {print $7}')
  if [ "$avail" -ge "$TARGET_GB" ]; then
    echo "Memory available: ${avail}GB"
    exit 0
  fi
  if [ $((SECONDS - start)) -ge "$MAX_WAIT" ]; then
    echo "Timeout waiting for memory"
    exit 1
  fi
  sleep "$INTERVAL"
done
