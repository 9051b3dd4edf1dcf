// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Why did the server die? Evidence in, one verdict out: the wait status, what headroom itself
// did (a stop, a wedge, a startup timeout), the kernel log since the start (OOM killer, NVRM
// allocation failures, Xid errors), the pool cgroup's oom_kill counter, and headroom's ring of
// memory samples. Pure: tested with recorded kernel lines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/duration.h"
#include "core/kernel_log.h"

namespace headroom {

enum class Cause {
  kExited,          // exit code, 0 or not
  kSignaled,        // a signal other than the ones below (SIGSEGV, SIGABRT, ...)
  kOomKiller,       // the kernel's OOM killer (cgroup limit or the whole machine)
  kGpuOom,          // NVRM failed an allocation (NV_ERR_NO_MEMORY) just before an abnormal death
  kGpuXid,          // an Xid GPU error naming the instance
  kKilledOutside,   // SIGKILL from someone else
  kStopped,         // headroom stopped it on request (SIGTERM/SIGINT/SIGHUP to headroom)
  kWedged,          // headroom stopped it: health checks kept failing
  kStartupTimeout,  // headroom stopped it: never healthy within --startup-timeout
  kExecFailed,      // the command could not be executed at all
  kGateTimeout,     // memory never came back within the gate's --timeout
  kProbeRejected,   // headroom stopped it: the server rejects the probe's request itself (4xx)
  kGuard,           // headroom stopped it: the host guard (the pool too low for too long)
  kDoesNotFit,      // OOM-killed at load again and again with the same footprint (not a verdict
                    // of one death: the supervisor's, from several)
};

// Why headroom itself ended the process, if it did.
enum class StopReason {
  kNone,
  kRequested,
  kRestartRequested,
  kWedged,
  kStartupTimeout,
  kProbeRejected,
  kGuard,  // the host guard: the pool stayed below --guard-available (or PSI above the guard)
};

struct MemoryPoint {
  Instant time{};
  uint64_t total = 0;
  uint64_t available = 0;
};

struct Evidence {
  int wait_status = 0;  // as from waitpid()
  Instant started{}, died{};
  StopReason stop = StopReason::kNone;
  int stop_signal = 15;
  bool killed_after_timeout = false;  // the stop signal was ignored; headroom sent SIGKILL
  Duration stop_timeout{};
  int health_failures = 0;
  Duration startup_timeout{};
  std::string guard;       // the host guard's line, when it stopped the server
  std::string last_probe;  // the last failed probe's answer ("health probe: HTTP 503 ..."), if any
  bool ready = false;      // it had become ready (healthy) before it died

  std::vector<int> pids;             // the instance: main process first, then workers seen
  std::vector<KernelRecord> kernel;  // records logged since the start
  bool kernel_readable = true;
  uint64_t kernel_usec_at_death = 0;        // the kernel clock when the death was seen
  std::optional<uint64_t> oom_kills_delta;  // the pool cgroup's oom_kill counter since the start
  std::string pool;                         // "cgroup /x" or "system", for the verdict
  std::vector<MemoryPoint> memory;          // oldest first, up to the death

  // A container (`headroom run -- docker run ...`): the docker CLI passes the container's exit
  // code on (128 + N for a signal), 125 when the engine refused to run it.
  std::string container;
  bool container_oom_killed = false;  // Docker's State.OOMKilled or an "oom" event
};

struct Verdict {
  Cause cause = Cause::kExited;
  int exit_status = 0;  // as a shell reports it: the code, or 128 + signal
  bool failure = true;  // counts toward the start limit
  std::string reason;   // one word, for metrics labels: exit, signal, oom, gpu_oom, ...
  std::string line;     // "died: killed by the kernel OOM killer (cgroup /x, ...)"
  // For an OOM kill: what the server held when killed, as the kernel counted it (its RSS), or
  // the cgroup's usage; 0 when not known.
  uint64_t footprint = 0;
};

Verdict diagnose(const Evidence& e);

// The command could not be executed (errno from execve): 127 for "not found", 126 otherwise.
Verdict exec_failure_verdict(const std::string& command, int err);

// The gate before a start timed out: memory never came back.
Verdict gate_timeout_verdict(uint64_t available, uint64_t target, Duration waited,
                             const std::string& pending);

// "SIGSEGV", "SIGKILL", "signal 42".
std::string signal_name(int sig);

// How far back NVRM lines count against a death: the driver logs NV_ERR_NO_MEMORY on healthy
// starts too (vllm#56824), so only lines shortly before an abnormal death are evidence.
inline constexpr Duration kGpuEvidenceWindow = std::chrono::seconds(30);

}  // namespace headroom
