#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The headroom authors
# SPDX-License-Identifier: Apache-2.0
# tests/docker/dockerd.sh start|stop|restart|status: a Docker engine of the tests' own, from
# Debian's docker.io, on its own socket so no user container is touched:
#   dockerd --iptables=false --ip6tables=false --bridge=none (no network setup needed: the tests
#   use --network host or none), data under /var/lib/headroom-test-dockerd.
# The tests find it through DOCKER_HOST=unix:///run/headroom-test-dockerd/docker.sock and skip,
# saying why, when it cannot start. Needs root.
set -uo pipefail
run=/run/headroom-test-dockerd
sock=$run/docker.sock
data=/var/lib/headroom-test-dockerd
log=$run/dockerd.log

ping() { curl -sf --max-time 2 --unix-socket "$sock" http://docker/_ping >/dev/null 2>&1; }

start() {
  if ping; then return 0; fi
  if [[ $(id -u) -ne 0 ]]; then echo "dockerd.sh: needs root" >&2; return 1; fi
  command -v dockerd >/dev/null || { echo "dockerd.sh: dockerd is not installed (docker.io)" >&2; return 1; }
  mkdir -p "$run" "$data"
  setsid dockerd --iptables=false --ip6tables=false --bridge=none \
    --data-root "$data" --exec-root "$run/exec" --pidfile "$run/dockerd.pid" \
    -H "unix://$sock" --containerd-namespace headroom-test --containerd-plugins-namespace headroom-test-plugins \
    >"$log" 2>&1 </dev/null &
  for _ in $(seq 100); do
    if ping; then return 0; fi
    sleep 0.2
  done
  echo "dockerd.sh: the engine did not come up; its log ($log):" >&2
  tail -20 "$log" >&2
  return 1
}

stop() {
  [[ -f $run/dockerd.pid ]] || return 0
  local pid
  pid=$(cat "$run/dockerd.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$run/dockerd.pid"
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) ping && echo "running at unix://$sock" ;;
  *) echo "usage: $0 start|stop|restart|status" >&2; exit 2 ;;
esac
