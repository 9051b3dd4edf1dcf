#!/bin/bash
# SPDX-FileCopyrightText: 2026 The headroom authors
# SPDX-License-Identifier: Apache-2.0
# tests/vm/checks.sh: headroom on the stack DGX OS runs -- systemd as PID 1, a pure cgroup v2
# hierarchy -- inside the guest that scripts/vm boots (run there as root by its payload unit).
# Real units started by the real systemd; the stand-in server plays the inference server.
#
# Each check prints "ok - NAME" or "not ok - NAME: why"; the last line is "N passed, N failed".
# Checks wait for states (poll), never for time: a guard of $GUARD seconds only turns a hang into
# a failure. Profiles: quick (these checks) and full (then the integration tests in the guest).
set -uo pipefail
REPO=${HEADROOM_REPO:?}
BUILD=${HEADROOM_BUILD:?}
PROFILE=${HEADROOM_VM_PROFILE:-quick}
GUARD=${GUARD:-240}
HR=/usr/bin/headroom
STANDIN=$BUILD/src/headroom-standin
POOL=hrpool.slice
passed=0
failed=0
failures=()

note() { echo "# $*"; }

note "booted: the checks start $(cut -d' ' -f1 /proc/uptime) s after the kernel did ($(uname -r), $(systemctl --version | head -1))"
install -m 0755 "$BUILD/src/headroom" "$HR"
mkdir -p /etc/headroom /var/lib/headroom

# check NAME FUNCTION: runs it; its stdout/stderr are kept in the log, indented.
check() {
  local name=$1 fn=$2 out rc start=$SECONDS
  out=$("$fn" 2>&1)
  rc=$?
  if [[ $rc -eq 0 ]]; then
    echo "ok - $name ($((SECONDS - start)) s)"
    passed=$((passed + 1))
  else
    echo "not ok - $name ($((SECONDS - start)) s)"
    failed=$((failed + 1))
    failures+=("$name")
  fi
  [[ -n $out ]] && sed 's/^/    /' <<<"$out"
  return 0
}

# Each check runs in a subshell (check's $(...)): fail ends it.
fail() {
  echo "FAIL: $*"
  exit 1
}

# until_true DESC CMD...: polls CMD every 0.1 s until it succeeds (the guard ends a hang). CMD is
# run anew each time: give a predicate (below), not a value computed once.
until_true() {
  local desc=$1 deadline=$((SECONDS + GUARD))
  shift
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "gave up after ${GUARD}s waiting for: $desc"
      return 1
    fi
    sleep 0.1
  done
}

prop() { systemctl show -p "$2" --value "$1"; }
is_prop() { [[ $(prop "$1" "$2") == "$3" ]]; }
events_of() { echo "/var/lib/headroom/$1.events.jsonl"; }
# has_event FILE EVENT [TEXT]: an event of that name (whose line also holds TEXT) was written.
has_event() { grep -F "\"event\":\"$2\"" "$1" 2>/dev/null | grep -qF -- "${3:-}"; }
count_event() { grep -cF "\"event\":\"$2\"" "$1" 2>/dev/null || true; }
# events_at_least FILE EVENT N
events_at_least() { (($(count_event "$1" "$2") >= $3)); }
# restarts_at_least UNIT N: systemd restarted it N times.
restarts_at_least() { (($(prop "$1" NRestarts) >= $2)); }
# sub_state_in UNIT STATE...
sub_state_in() {
  local s u=$1
  s=$(prop "$u" SubState)
  shift
  for want; do [[ $s == "$want" ]] && return 0; done
  return 1
}
# watchdog_moved UNIT T0: WatchdogTimestampMonotonic is no longer T0 (a WATCHDOG=1 arrived).
watchdog_moved() { [[ $(prop "$1" WatchdogTimestampMonotonic) != "$2" ]]; }
http_ok() { curl -fsS -m 5 "$1" >/dev/null; }
free_port() { echo $((20000 + RANDOM % 20000)); }
# stop_unit UNIT: stopped and forgotten (failed state cleared, files removed).
drop_unit() {
  systemctl stop "$1" >/dev/null 2>&1
  systemctl reset-failed "$1" >/dev/null 2>&1
  rm -rf "/etc/systemd/system/$1" "/etc/systemd/system/$1.d"
  systemctl daemon-reload
  rm -f "$(events_of "${1%.service}")"
}

# The pool: a slice with a hard limit, as a unified-memory machine's shared memory in miniature.
cat >/etc/systemd/system/$POOL <<EOF
[Unit]
Description=headroom test pool (512 MiB)
[Slice]
MemoryMax=512M
MemorySwapMax=0
EOF
systemctl daemon-reload
systemctl start $POOL

# ---- the machine -------------------------------------------------------------------------------

t_machine() {
  [[ $(cat /proc/1/comm) == systemd ]] || fail "PID 1 is $(cat /proc/1/comm)"
  grep -qw memory /sys/fs/cgroup/cgroup.controllers || fail "no memory controller on cgroup v2"
  [[ ! -e /sys/fs/cgroup/memory ]] || fail "a cgroup v1 memory hierarchy is mounted"
  systemctl --version | head -1
}

t_status_on_a_slice() {
  local j
  j=$($HR status --cgroup /$POOL --json --no-gpu) || fail "status exited $?"
  grep -q '"version":2' <<<"$j" || fail "not read as cgroup v2: $j"
  grep -q '"limit_bytes":536870912' <<<"$j" || fail "the slice's MemoryMax= not read: $j"
}

# A hog in the slice: a transient service holding MIB of memory.
start_hog() {
  local unit=$1 mib=$2 port
  port=$(free_port)
  systemd-run --quiet --unit="$unit" --slice=$POOL -p Type=exec "$STANDIN" --memory "$mib" \
    --port "$port" || return 1
  until_true "$unit serving" http_ok "http://127.0.0.1:$port/health"
}

t_wait_on_a_slice_with_memorymax() {
  start_hog hog1.service 300 || return 1
  local out rc
  out=$($HR wait --cgroup /$POOL --free 400M --settle 0 --timeout 1s --no-gpu 2>&1)
  rc=$?
  [[ $rc -eq 1 ]] || fail "with 300 MiB held in a 512 MiB slice, --free 400M gave exit $rc: $out"
  systemctl stop hog1.service
  out=$($HR wait --cgroup /$POOL --free 400M --settle 0 --timeout 60s --no-gpu 2>&1) ||
    fail "once the hog is gone the wait did not open: $out"
}

# Finding 1: --gone cgroup:PATH counts the processes of PATH's descendants (on v2 a slice holds
# none itself).
t_gone_slice_waits_for_its_services() {
  start_hog hog2.service 100 || return 1
  local out rc
  out=$($HR wait --gone cgroup:/$POOL --settle 0 --timeout 1s --no-gpu 2>&1)
  rc=$?
  systemctl stop hog2.service
  [[ $rc -eq 1 ]] || fail "opened (exit $rc) while /$POOL/hog2.service ran: $out"
  grep -q "still holds" <<<"$out" || fail "no word of the process left: $out"
  $HR wait --gone cgroup:/$POOL --settle 0 --timeout 60s --no-gpu >/dev/null 2>&1 ||
    fail "did not open once the service stopped"
}

t_restart_unit_waits_for_subcgroups() {
  # A unit with a delegated subtree whose worker lives in a sub-cgroup and outlives the stop
  # (KillMode=process): headroom restart must not call it gone.
  cat >/etc/headroom/deleg.sh <<'EOF'
#!/bin/sh
# The main process in <unit>/main, a worker that ignores SIGTERM in <unit>/worker.
cg=/sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup)
mkdir -p "$cg/main" "$cg/worker"
echo $$ >"$cg/main/cgroup.procs"
sh -c 'echo $$ >"$1/worker/cgroup.procs"; trap "" TERM; exec sleep infinity' worker "$cg" &
exec sleep infinity
EOF
  chmod +x /etc/headroom/deleg.sh
  cat >/etc/systemd/system/deleg.service <<EOF
[Service]
Delegate=yes
KillMode=process
ExecStart=/etc/headroom/deleg.sh
EOF
  systemctl daemon-reload
  systemctl start deleg.service
  local cg
  cg=$(prop deleg.service ControlGroup)
  # (cgroup files have no size: read them)
  until_true "the worker in its sub-cgroup" grep -q . "/sys/fs/cgroup$cg/worker/cgroup.procs" ||
    return 1
  local out rc
  out=$($HR restart unit:deleg.service --settle 0 --timeout 2s --gone-timeout 2s --no-gpu 2>&1)
  rc=$?
  local worker
  worker=$(cat "/sys/fs/cgroup$cg/worker/cgroup.procs" 2>/dev/null)
  [[ -n $worker ]] && kill -9 $worker
  drop_unit deleg.service
  [[ $rc -ne 0 ]] || fail "restart went ahead while a worker of the unit still ran: $out"
  grep -q "still holds" <<<"$out" || fail "the worker was not named: $out"
}

# ---- generated units ---------------------------------------------------------------------------

# A generated unit around the stand-in: NAME PORT [run flags] -- [stand-in flags].
make_unit() {
  local name=$1 port=$2
  shift 2
  local run=() server=()
  while [[ $# -gt 0 && $1 != -- ]]; do run+=("$1"); shift; done
  [[ ${1:-} == -- ]] && shift
  server=("$@")
  $HR unit --name "$name" --no-gpu "${run[@]}" -- "$STANDIN" --port "$port" "${server[@]}"
}

t_generated_unit_notify_status_crash() {
  local port
  port=$(free_port)
  make_unit srv "$port" --health "http://127.0.0.1:$port/health" --health-interval 500ms \
    --free 100M --settle 0 -- --load 2 --memory 50 >/etc/systemd/system/srv.service || return 1
  grep -q '^OOMPolicy=continue' /etc/systemd/system/srv.service ||
    fail "the unit leaves OOMPolicy= at systemd's default (stop)"
  systemctl daemon-reload
  # Type=notify: systemctl start returns once headroom reported READY=1, i.e. the server healthy.
  systemctl start srv.service || fail "systemctl start srv failed"
  http_ok "http://127.0.0.1:$port/health" || fail "active but the server does not answer"
  is_prop srv.service ActiveState active || fail "ActiveState=$(prop srv.service ActiveState)"
  [[ $(prop srv.service StatusText) == serving* ]] ||
    fail "StatusText=$(prop srv.service StatusText)"
  local main
  main=$(prop srv.service MainPID)
  curl -s -m 5 "http://127.0.0.1:$port/crash" >/dev/null
  local ev
  ev=$(events_of srv)
  until_true "the second start" events_at_least "$ev" started 2 || return 1
  until_true "healthy again" http_ok "http://127.0.0.1:$port/health" || return 1
  has_event "$ev" died "died: SIGSEGV" || fail "no SIGSEGV verdict: $(cat "$ev")"
  is_prop srv.service NRestarts 0 || fail "systemd restarted it: NRestarts=$(prop srv.service NRestarts)"
  [[ $(prop srv.service MainPID) == "$main" ]] || fail "headroom itself was replaced"
}

t_headroom_restart_unit() {
  local port out
  port=$(grep -o -- '--port [0-9]*' /etc/systemd/system/srv.service | cut -d' ' -f2)
  out=$($HR restart unit:srv.service --free 100M --settle 0 --no-gpu 2>&1) ||
    fail "restart unit:srv failed: $out"
  is_prop srv.service ActiveState active || fail "not active after the restart"
  http_ok "http://127.0.0.1:$port/health" || fail "not serving after the restart"
}

t_stop_removes_the_whole_tree() {
  local cg
  cg=$(prop srv.service ControlGroup)
  systemctl stop srv.service || fail "systemctl stop failed"
  is_prop srv.service ActiveState inactive || fail "ActiveState=$(prop srv.service ActiveState)"
  [[ ! -d /sys/fs/cgroup$cg ]] || fail "the unit's cgroup $cg is still there"
  ! pgrep -f "$STANDIN --port" >/dev/null || fail "a stand-in survived: $(pgrep -af headroom-standin)"
  is_prop srv.service Result success || fail "Result=$(prop srv.service Result)"
  drop_unit srv.service
}

# Finding 2: an OOM kill inside the unit's cgroup is headroom's to handle, not systemd's.
t_oom_kill_in_the_unit_is_headroom_s() {
  local port
  port=$(free_port)
  make_unit oomy "$port" --burst 2 --settle 0 -- --memory 400 --alloc anon \
    >/etc/systemd/system/oomy.service || return 1
  mkdir -p /etc/systemd/system/oomy.service.d
  printf '[Service]\nMemoryMax=300M\nMemorySwapMax=0\n' >/etc/systemd/system/oomy.service.d/limit.conf
  systemctl daemon-reload
  local ev
  ev=$(events_of oomy)
  systemctl start --no-block oomy.service
  until_true "headroom's verdict on the OOM kill" has_event "$ev" died "OOM killer" || {
    journalctl -u oomy.service --no-pager | tail -20
    return 1
  }
  until_true "headroom restarting it" events_at_least "$ev" started 2 || {
    journalctl -u oomy.service --no-pager | tail -20
    drop_unit oomy.service
    return 1
  }
  local restarts
  restarts=$(prop oomy.service NRestarts)
  journalctl -u oomy.service --no-pager | grep -i "oom" | tail -5
  drop_unit oomy.service
  [[ $restarts == 0 ]] || fail "systemd restarted the unit itself (NRestarts=$restarts)"
}

# Finding 3: a stop that was asked for is a success, even when the server ignored SIGTERM.
t_requested_stop_is_not_a_failure() {
  cat >/etc/headroom/stubborn.sh <<EOF
#!/bin/sh
trap "" TERM
exec $STANDIN --ignore-term --port $(free_port)
EOF
  chmod +x /etc/headroom/stubborn.sh
  $HR unit --name stubborn --no-gpu --stop-timeout 1s -- /etc/headroom/stubborn.sh \
    >/etc/systemd/system/stubborn.service || return 1
  systemctl daemon-reload
  systemctl start stubborn.service || fail "start failed"
  systemctl stop stubborn.service
  local state result status
  state=$(prop stubborn.service ActiveState)
  result=$(prop stubborn.service Result)
  status=$(prop stubborn.service ExecMainStatus)
  has_event "$(events_of stubborn)" died "SIGKILL after the" ||
    fail "no word that SIGTERM was ignored: $(cat "$(events_of stubborn)")"
  drop_unit stubborn.service
  [[ $state == inactive && $result == success ]] ||
    fail "after systemctl stop: ActiveState=$state Result=$result ExecMainStatus=$status"
}

# Finding 4: configuration errors (exit 2) and commands that cannot run (126/127) are not retried.
t_config_error_is_not_retried() {
  $HR unit --template >/etc/systemd/system/headroom@.service || return 1
  printf '[ = 1\n' >/etc/headroom/broken.toml
  systemctl daemon-reload
  systemctl start headroom@broken.service
  until_true "headroom@broken to end" sub_state_in headroom@broken.service failed auto-restart ||
    return 1
  local sub status
  sub=$(prop headroom@broken.service SubState)
  status=$(prop headroom@broken.service ExecMainStatus)
  systemctl stop headroom@broken.service
  systemctl reset-failed headroom@broken.service
  rm -f /etc/headroom/broken.toml
  [[ $status == 2 ]] || fail "exit status $status, expected 2 (a broken TOML)"
  [[ $sub == failed ]] || fail "systemd schedules a restart of a configuration error (SubState=$sub)"
}

t_missing_command_is_not_retried() {
  $HR unit --name nocmd --no-gpu -- /nonexistent/server --port 1 >/etc/systemd/system/nocmd.service ||
    return 1
  systemctl daemon-reload
  systemctl start nocmd.service
  until_true "nocmd to end" sub_state_in nocmd.service failed auto-restart || return 1
  local sub status
  sub=$(prop nocmd.service SubState)
  status=$(prop nocmd.service ExecMainStatus)
  drop_unit nocmd.service
  [[ $status == 127 ]] || fail "exit status $status, expected 127"
  [[ $sub == failed ]] || fail "systemd schedules a restart of a missing command (SubState=$sub)"
}

# Finding 5: a signal reported by a shell wrapper (exit 128+N) reads as the signal.
t_signal_through_a_shell() {
  local port ev
  port=$(free_port)
  $HR unit --name wrapped --no-gpu --burst 1 -- /bin/sh -c \
    "$STANDIN --port $port --crash-after 0.2; exit \$?" \
    >/etc/systemd/system/wrapped.service || return 1
  systemctl daemon-reload
  ev=$(events_of wrapped)
  systemctl start --no-block wrapped.service
  until_true "the verdict" has_event "$ev" died || return 1
  local line
  line=$(grep -F '"event":"died"' "$ev" | head -1)
  drop_unit wrapped.service
  grep -q '"reason":"signal"' <<<"$line" || fail "not read as a signal: $line"
  grep -q 'SIGSEGV' <<<"$line" || fail "the signal is not named: $line"
}

# Finding 6: restart unit: on a unit that hit its start limit says so, and how to clear it.
t_restart_unit_names_the_start_limit() {
  cat >/etc/systemd/system/limited.service <<EOF
[Unit]
StartLimitIntervalSec=1h
StartLimitBurst=1
[Service]
ExecStart=/bin/false
EOF
  systemctl daemon-reload
  systemctl start limited.service
  until_true "limited to fail" is_prop limited.service ActiveState failed || return 1
  local out rc
  out=$($HR restart unit:limited.service --settle 0 --timeout 30s --no-gpu 2>&1)
  rc=$?
  drop_unit limited.service
  [[ $rc -ne 0 ]] || fail "restart reported success"
  grep -qi "start limit" <<<"$out" || fail "the start limit is not named: $out"
  grep -q "reset-failed" <<<"$out" || fail "no way out (systemctl reset-failed) given: $out"
}

# Finding 7: gating on a unit's own cgroup, which goes away when the unit stops.
t_pool_cgroup_removed_falls_back_to_its_slice() {
  cat >/etc/systemd/system/victim.service <<EOF
[Service]
Slice=$POOL
ExecStart=/bin/sleep infinity
EOF
  systemctl daemon-reload
  systemctl start victim.service
  local cg out rc pid
  cg=$(prop victim.service ControlGroup)
  $HR wait --cgroup "$cg" --gone "cgroup:$cg" --free 10M --settle 0 --timeout 120s --no-gpu \
    >/tmp/victim.out 2>&1 &
  pid=$!
  until_true "the wait to watch the unit" grep -q "still" /tmp/victim.out || { kill $pid; return 1; }
  systemctl stop victim.service
  wait $pid
  rc=$?
  out=$(cat /tmp/victim.out)
  drop_unit victim.service
  [[ $rc -eq 0 ]] || fail "exit $rc once the unit's cgroup was removed: $out"
  grep -q "/$POOL" <<<"$out" || fail "did not say it now gates on the slice: $out"
}

# Finding 8: the template verifies where the man pages are not installed.
t_template_verifies() {
  local d
  d=$(mktemp -d)
  $HR unit --template >"$d/headroom@.service" || return 1
  ln -s "$d/headroom@.service" "$d/headroom@x.service"
  local out
  out=$(cd "$d" && systemd-analyze verify "$d/headroom@x.service" 2>&1) ||
    fail "systemd-analyze verify: $out"
  rm -rf "$d"
  [[ -z $out ]] || echo "$out"
}

# The exposure systemd-analyze security gives the generated units, with and without the
# sandboxing lines headroom adds (the "before" is the same unit with them removed).
exposure() { systemd-analyze security --offline=yes "$1" 2>/dev/null | grep -o 'Overall exposure level for [^:]*: [0-9.]*' | grep -o '[0-9.]*$'; }
t_security_exposure() {
  local d form before after
  local sandbox="NoNewPrivileges|ProtectSystem|StateDirectory|LockPersonality"
  sandbox+="|RestrictRealtime|RestrictSUIDSGID|ProtectHostname|SystemCallArchitectures"
  d=$(mktemp -d)
  mkdir -p "$d/bare"
  for form in notify plain template; do
    case $form in
      notify) $HR unit --name expo --no-gpu -- "$STANDIN" --port 1 >"$d/expo.service" ;;
      plain) $HR unit --plain --name expo --no-gpu -- "$STANDIN" --port 1 >"$d/expo.service" ;;
      template) $HR unit --template >"$d/expo.service" ;;
    esac
    grep -vE "^($sandbox)=" "$d/expo.service" >"$d/bare/expo.service"
    before=$(exposure "$d/bare/expo.service")
    after=$(exposure "$d/expo.service")
    [[ -n $before && -n $after ]] || fail "no exposure level from systemd-analyze security for the $form unit"
    echo "$form unit: exposure $before without the sandboxing lines, $after with them"
    awk -v a="$after" -v b="$before" 'BEGIN { exit !(a < b) }' || fail "$form: the sandboxing does not lower the exposure"
  done
  rm -rf "$d"
}

# --user: the server and headroom run as that user; the events land in StateDirectory=.
t_user_unit() {
  local port ev
  port=$(free_port)
  id llm >/dev/null 2>&1 || useradd --system --no-create-home llm || fail "useradd"
  make_unit usersrv "$port" --user llm --health "http://127.0.0.1:$port/health" --free 50M \
    --settle 0 -- --load 1 >/etc/systemd/system/usersrv.service || return 1
  grep -q '^User=llm$' /etc/systemd/system/usersrv.service || fail "no User=llm"
  systemctl daemon-reload
  systemctl start usersrv.service || fail "start failed: $(journalctl -u usersrv -n 20 --no-pager)"
  http_ok "http://127.0.0.1:$port/health" || fail "active but not serving"
  [[ $(ps -o user= -p "$(prop usersrv.service MainPID)") == llm ]] || fail "headroom does not run as llm"
  ev=$(events_of usersrv)
  until_true "the events in the state directory" has_event "$ev" ready || return 1
  [[ $(stat -c %U "$ev") == llm ]] || fail "$ev is owned by $(stat -c %U "$ev")"
  drop_unit usersrv.service
}

# The README's quick start, block by block as written, as root on this machine: apt installs the
# package, the units are written and started by the real systemd, the server is a container of
# the real Docker engine. Changed, and only these, because this machine is not a DGX Spark:
#   - the package is this build's (amd64), not the arm64 file the README names;
#   - no registry: `docker pull IMAGE` becomes `docker image inspect IMAGE` of the stand-in,
#     imported under SGLang's name (its python3 is the stand-in, which answers as SGLang does);
#   - no network: `hf download ... --local-dir DIR` becomes the synthetic model of the README's
#     plan example (bench/make_model: the real config.json, real safetensors headers, sparse data);
#   - not a GB10: plan gets --machine gb10 (the pool it plans against), the target 87G becomes
#     64M, --gpus all is dropped (no GPU, no NVIDIA runtime);
#   - `journalctl -f` follows forever: -n 40 instead.
readme_blocks() {  # readme_blocks DIR: each `<!-- quickstart: STEP -->` block into DIR/STEP
  awk -v dir="$1" '
    /^<!-- quickstart: / { step = $3; want = 1; next }
    want && /^```sh$/ { inblock = 1; want = 0; next }
    inblock && /^```$/ { inblock = 0; next }
    inblock { print > (dir "/" step) }' "$REPO/README.md"
}
t_readme_quick_start() {
  local d deb step
  d=$(mktemp -d)
  deb=$(find "$BUILD" -maxdepth 1 -name 'headroom_*.deb' | head -1)
  [[ -n $deb ]] || fail "no .deb in $BUILD (scripts/vm makes it with cpack)"
  [[ -f $BUILD/standin-image.tar && -x $BUILD/bench/make_model ]] || fail "the payload lacks the image or make_model"
  systemctl start docker.service || fail "dockerd does not start: $(journalctl -u docker -n 20 --no-pager)"
  docker import "$BUILD/standin-image.tar" lmsysorg/sglang:spark >/dev/null || fail "docker import"
  readme_blocks "$d"
  local config=$REPO/tests/fixtures/models/mistral-small-3.1-24b/config.json
  for step in install plan unit start watch verify troubleshoot; do
    [[ -s $d/$step ]] || fail "the README has no quickstart block '$step'"
    sed -e "s|\./headroom_[^ ]*\.deb|$deb|" \
      -e 's|docker pull \([^ ]*\)|docker image inspect \1 >/dev/null|' \
      -e "s|hf download [^ ]* --local-dir \([^ ]*\)|$BUILD/bench/make_model \1 $config 10 40 5120 32 8 128 32768 131072|" \
      -e 's|^headroom plan |headroom plan --machine gb10 |' \
      -e 's|--free 87G|--free 64M|' -e 's| --gpus all||' \
      -e 's|journalctl -u \([^ ]*\) -f$|journalctl -u \1 -n 40 --no-pager|' \
      "$d/$step" >"$d/$step.sh"
    echo "\$ step $step:"
    sed 's/^/  /' "$d/$step.sh"
    bash -euo pipefail "$d/$step.sh" >"$d/$step.out" 2>&1 || {
      sed 's/^/    /' "$d/$step.out" | tail -n 40
      fail "the quick start's step '$step' failed"
    }
    sed 's/^/    /' "$d/$step.out" | tail -n 8
  done
  # What the steps claim: the package's binary, the unit's server healthy through the container.
  dpkg -s headroom >/dev/null 2>&1 || fail "the package is not installed"
  grep -q '^ExecStart=/usr/bin/headroom run' /etc/systemd/system/sglang.service || fail "the unit does not run /usr/bin/headroom"
  is_prop sglang.service ActiveState active || fail "sglang.service is $(prop sglang.service ActiveState)"
  http_ok http://127.0.0.1:30000/health || fail "the server does not answer through the published port"
  grep -q 'mistral-small' "$d/verify.out" || fail "/v1/models does not name the model: $(cat "$d/verify.out")"
  grep -q 'gate: headroom wait --free 87G' "$d/plan.out" || fail "plan does not end with the quick start's target"
  systemctl disable --now sglang.service >/dev/null 2>&1
  rm -rf "$d"
}

# ---- systemd's side of the contract ------------------------------------------------------------

t_plain_unit_gates_and_systemd_restarts() {
  local port ev
  port=$(free_port)
  $HR unit --plain --name plainsrv --no-gpu --free 100M --settle 0 -- "$STANDIN" --port "$port" \
    >/etc/systemd/system/plainsrv.service || return 1
  systemctl daemon-reload
  systemctl start plainsrv.service || fail "start failed"
  until_true "serving" http_ok "http://127.0.0.1:$port/health" || return 1
  curl -s -m 5 "http://127.0.0.1:$port/crash" >/dev/null
  until_true "systemd's restart" restarts_at_least plainsrv.service 1 || return 1
  until_true "serving again" http_ok "http://127.0.0.1:$port/health" || return 1
  drop_unit plainsrv.service
}

t_template_with_toml_enable() {
  local port
  port=$(free_port)
  cat >/etc/headroom/tsrv.toml <<EOF
free = "100M"
settle = "0"
no-gpu = true
health = "http://127.0.0.1:$port/health"
command = ["$STANDIN", "--port", "$port", "--load", "1"]
EOF
  $HR unit --template --install >/dev/null 2>&1 || fail "--template --install failed"
  systemctl enable --now headroom@tsrv.service || fail "enable --now failed"
  http_ok "http://127.0.0.1:$port/health" || fail "active but not serving"
  [[ $(prop headroom@tsrv.service StatusText) == serving* ]] ||
    fail "StatusText=$(prop headroom@tsrv.service StatusText)"
  systemctl disable --now headroom@tsrv.service
  rm -f /etc/headroom/tsrv.toml
}

t_install_and_enable() {
  local port out
  port=$(free_port)
  out=$($HR unit --name ensrv --no-gpu --enable --health "http://127.0.0.1:$port/health" \
    --free 50M --settle 0 -- "$STANDIN" --port "$port" --load 1 2>&1) || fail "--enable: $out"
  is_prop ensrv.service UnitFileState enabled || fail "not enabled"
  http_ok "http://127.0.0.1:$port/health" || fail "--enable returned before the server was ready"
  systemctl disable ensrv.service >/dev/null 2>&1
  drop_unit ensrv.service
}

# The gate under a short TimeoutStartSec= (headroom sends EXTEND_TIMEOUT_USEC while it makes
# progress) and WatchdogSec= (headroom pings).
t_extend_timeout_and_watchdog() {
  local port
  port=$(free_port)
  make_unit slow "$port" --health "http://127.0.0.1:$port/health" --settle 0 -- --load 6 \
    >/etc/systemd/system/slow.service || return 1
  mkdir -p /etc/systemd/system/slow.service.d
  printf '[Service]\nTimeoutStartSec=3s\nWatchdogSec=2s\n' >/etc/systemd/system/slow.service.d/t.conf
  systemctl daemon-reload
  systemctl start slow.service || fail "the 6 s load was killed by TimeoutStartSec=3s: $(prop slow.service Result)"
  local w1
  w1=$(prop slow.service WatchdogTimestampMonotonic)
  until_true "a watchdog ping" watchdog_moved slow.service "$w1" || return 1
  local w2
  w2=$(prop slow.service WatchdogTimestampMonotonic)
  until_true "another watchdog ping" watchdog_moved slow.service "$w2" || return 1
  is_prop slow.service NRestarts 0 || fail "restarted: Result=$(prop slow.service Result)"
  drop_unit slow.service
}

t_start_limit_in_unit_section() {
  # headroom gives up after its own burst; systemd restarts headroom at most StartLimitBurst=
  # times (the keys are in [Unit], where systemd reads them), then the unit stays failed.
  local port
  port=$(free_port)
  make_unit crashy "$port" --burst 1 --settle 0 -- --exit-after 0 >/etc/systemd/system/crashy.service ||
    return 1
  mkdir -p /etc/systemd/system/crashy.service.d
  printf '[Service]\nRestartSec=100ms\n' >/etc/systemd/system/crashy.service.d/fast.conf
  systemctl daemon-reload
  systemctl start --no-block crashy.service
  # (systemd 252 leaves Result=exit-code when an automatic restart meets the limit; the journal
  # says "Start request repeated too quickly".)
  until_true "the start limit" restarts_at_least crashy.service 3 || return 1
  until_true "the unit to stay failed" sub_state_in crashy.service failed || return 1
  local n
  n=$(prop crashy.service NRestarts)
  journalctl -u crashy.service --no-pager | grep -q "repeated too quickly" ||
    fail "no start limit in the journal (NRestarts=$n)"
  drop_unit crashy.service
  [[ $n -eq 3 ]] || fail "NRestarts=$n, not StartLimitBurst=3"
}

check "the guest runs systemd on a pure cgroup v2 hierarchy" t_machine
check "status reads a slice's MemoryMax=" t_status_on_a_slice
check "wait on a slice with MemoryMax=" t_wait_on_a_slice_with_memorymax
check "finding 1: --gone cgroup:SLICE waits for its services" t_gone_slice_waits_for_its_services
check "finding 1: restart unit: waits for processes in sub-cgroups" t_restart_unit_waits_for_subcgroups
check "generated unit: Type=notify, StatusText, a crash restarted by headroom" t_generated_unit_notify_status_crash
check "headroom restart unit: on a generated unit" t_headroom_restart_unit
check "systemctl stop removes the whole tree" t_stop_removes_the_whole_tree
check "finding 2: an OOM kill in the unit is handled by headroom (OOMPolicy=continue)" t_oom_kill_in_the_unit_is_headroom_s
check "finding 3: a requested stop of a server ignoring SIGTERM leaves the unit clean" t_requested_stop_is_not_a_failure
check "finding 4: a configuration error (exit 2) is not retried" t_config_error_is_not_retried
check "finding 4: a missing command (exit 127) is not retried" t_missing_command_is_not_retried
check "finding 5: a SIGSEGV through sh -c reads as SIGSEGV" t_signal_through_a_shell
check "finding 6: restart unit: names the start limit" t_restart_unit_names_the_start_limit
check "finding 7: the pool's unit cgroup removed: the gate moves to its slice" t_pool_cgroup_removed_falls_back_to_its_slice
check "finding 8: the template verifies without the man pages" t_template_verifies
check "--plain: the gate in ExecStartPre=, systemd restarts" t_plain_unit_gates_and_systemd_restarts
check "the template with a TOML, enable --now" t_template_with_toml_enable
check "--enable returns once the server is ready" t_install_and_enable
check "EXTEND_TIMEOUT_USEC under TimeoutStartSec=3s, WATCHDOG=1 under WatchdogSec=2s" t_extend_timeout_and_watchdog
check "start limits in [Unit] end a crash loop" t_start_limit_in_unit_section
check "the sandboxing lowers systemd-analyze security's exposure" t_security_exposure
check "--user: headroom and the server run as the user, events in StateDirectory=" t_user_unit
check "the README's quick start, step by step, with the package and a container" t_readme_quick_start

if [[ $PROFILE == full ]]; then
  note "the integration tests, in the guest"
  start=$SECONDS
  if "$BUILD/tests/headroom_integration_tests" --gtest_brief=1 >/tmp/integration.log 2>&1; then
    echo "ok - the integration tests ($((SECONDS - start)) s)"
    passed=$((passed + 1))
  else
    echo "not ok - the integration tests ($((SECONDS - start)) s)"
    failed=$((failed + 1))
    failures+=("integration tests")
  fi
  sed 's/^/    /' /tmp/integration.log | tail -n 60
fi

for f in "${failures[@]}"; do note "failed: $f"; done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
