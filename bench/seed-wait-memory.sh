#!/bin/bash
# SPDX-FileCopyrightText: 2026 The headroom authors
# SPDX-License-Identifier: Apache-2.0
# The seed's sglang-wait-memory.sh TARGET_GB MAX_WAIT_S, reconstructed from its description as
# the baseline headroom wait replaces: poll `free -g` until the "available" column reaches the
# target, or give up ("Timeout waiting for memory", exit 1).
#
# Two knobs for the benchmarks, neither changes the algorithm:
#   SEED_INTERVAL  seconds between polls (the seed's 5; scaled in the simulator);
#   SEED_POOL_DIR  a memory cgroup directory: read "available" as limit - usage of that pool in
#                  MiB (TARGET is then MiB) instead of `free -g`, so the seed's loop can run in the
#                  simulator's miniature pool.
TARGET=${1:?target}
MAX_WAIT=${2:?max wait seconds}
INTERVAL=${SEED_INTERVAL:-5}

available() {
  if [ -z "${SEED_POOL_DIR:-}" ]; then
    free -g | awk '/^Mem:/ {print $7}'
  elif [ -f "$SEED_POOL_DIR/memory.max" ]; then
    echo $(( ($(cat "$SEED_POOL_DIR/memory.max") - $(cat "$SEED_POOL_DIR/memory.current")) >> 20 ))
  else
    echo $(( ($(cat "$SEED_POOL_DIR/memory.limit_in_bytes") - $(cat "$SEED_POOL_DIR/memory.usage_in_bytes")) >> 20 ))
  fi
}

start=${EPOCHREALTIME/./}  # microseconds (bash 5), without a process per poll
max_usec=$(awk -v m="$MAX_WAIT" 'BEGIN {printf "%d", m * 1000000}')
while true; do
  avail=$(available)
  if [ "$avail" -ge "$TARGET" ]; then
    echo "Memory available: ${avail}"
    exit 0
  fi
  now=${EPOCHREALTIME/./}
  if [ $((now - start)) -ge "$max_usec" ]; then
    echo "Timeout waiting for memory"
    exit 1
  fi
  sleep "$INTERVAL"
done
