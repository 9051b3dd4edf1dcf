// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The seed's "only reliable restart sequence", as one decision procedure: stop gracefully ->
// wait until gone -> memory gate -> start -> wait healthy, each step timed and reported. The
// target (a container, a systemd unit, a running `headroom run`) is a seam with a real
// implementation per kind in act/restart_targets and a fake in the tests.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/defaults.h"
#include "core/gate.h"
#include "core/sources.h"
#include "core/wait_loop.h"

namespace headroom {

// An answer on health: whether it is healthy, and what said so (or what it waits for).
struct Health {
  bool healthy = false;
  std::string what;
};

class RestartTarget {
 public:
  virtual ~RestartTarget() = default;
  virtual std::string describe() const = 0;  // "docker container sglang"
  // Refuses up front what cannot work (a --rm container cannot be started again by name).
  virtual Status check() = 0;
  // Asks it to stop, gracefully, within `timeout` (the kind decides how). Returns what it did.
  virtual Result<std::string> stop(Duration timeout) = 0;
  // What is left of it: processes, the container, its PIDs in the GPU process list.
  virtual Result<Pending> pending() = 0;
  virtual Result<std::string> start() = 0;
  // Its own word on health once started (HEALTHCHECK, the unit active); `what` says which.
  // An error means it will not become healthy (the container exited).
  virtual Result<Health> healthy() = 0;
  // A running `headroom run` gates and restarts by itself on SIGHUP: no gate here.
  virtual bool gates_itself() const { return false; }
};

struct RestartOptions {
  GateConfig gate;
  Duration interval = defaults::kInterval.value;
  Duration stop_timeout = defaults::kStopTimeout.value;
  Duration gone_timeout = defaults::kGoneTimeout.value;       // after the stop
  Duration health_timeout = defaults::kStartupTimeout.value;  // after the start
  // --health URL: an HTTP probe in the shell; when set it decides health instead of the target.
  std::function<Health()> probe;
  // Runs between "gone" and the gate: give page cache back (--evict, --drop-caches).
  std::function<void()> before_gate;
  // The pool's ledger, read by the gate: what `headroom run`s still loading there will take is
  // not free (act/pool_ledger's LedgerReader), or null.
  PoolShare* pool = nullptr;
  bool dry_run = false;
};

struct RestartStep {
  std::string name;  // stop, gone, gate, start, healthy
  Duration took{};
  std::string detail;
  bool ok = true;
};

struct RestartReport {
  std::vector<RestartStep> steps;
  bool ok = false;    // every step done
  int exit_code = 0;  // 0 ok, 1 a condition was not met (timeouts), 2 the target refused
};

// Runs the sequence; `on_step` is called as each step ends (for live output).
RestartReport run_restart(RestartTarget& target, MemorySource& memory, Clock& clock,
                          const RestartOptions& o,
                          const std::function<void(const RestartStep&)>& on_step);

// The steps --dry-run prints.
std::vector<std::string> restart_plan(const RestartTarget& target, const RestartOptions& o);

}  // namespace headroom
