// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `headroom run`'s decisions: gate before every start, start, wait for healthy, watch, diagnose
// every death, restart within limits, stop gracefully. Everything that touches the system goes
// through SupervisorHost, with a real implementation in act/run_host and a scripted fake in the
// tests, so start limits, gating, wedge detection and verdicts are tested in microseconds.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/defaults.h"
#include "core/diagnosis.h"
#include "core/gate.h"
#include "core/guard.h"
#include "core/restart_policy.h"
#include "core/sample.h"
#include "core/sources.h"

namespace headroom {

class PoolShare;  // core/wait_loop.h

struct RunConfig {
  GateConfig gate;                                // before every start
  Duration interval = defaults::kInterval.value;  // gate sampling
  RestartPolicy restart;
  int stop_signal = SIGTERM;
  Duration stop_timeout = defaults::kStopTimeout.value;
  bool health = false;  // a probe is configured (--health); without one, started = ready
  Duration startup_timeout = defaults::kStartupTimeout.value;
  Duration health_interval = defaults::kHealthInterval.value;
  Duration startup_probe_interval = std::chrono::milliseconds(250);  // while loading
  int health_failures = defaults::kHealthFailures;
  Duration sample_interval = std::chrono::seconds(1);  // the memory ring while running
  // Give up at this many OOM deaths in a row while loading with the same footprint (within 10 %):
  // the server does not fit, and the same start fails the same way. 0: only the burst counts.
  int fit_deaths = defaults::kFitDeaths;
  GuardConfig guard;  // the host guard while the server runs (off unless enabled)
};

// One probe's answer, classified for logs, metrics labels and decisions.
struct ProbeOutcome {
  bool ok = false;
  std::string probe;   // "health" (GET --health) or "generate" (POST --probe-post)
  std::string result;  // "ok", "refused", "timeout", "http_503", "error": a metrics label
  int http_status = 0;
  std::string detail;  // "HTTP 400: {\"error\":\"...\"}", "connection refused"
  // A 4xx other than 408/429: the server rejects the request itself, and will again.
  bool rejected() const {
    return http_status >= 400 && http_status < 500 && http_status != 408 && http_status != 429;
  }
};

// What the host reports back from waiting.
struct HostEvent {
  enum class Kind {
    kTimeout,      // the deadline passed
    kChildExited,  // the main process ended (wait_status)
    kSignal,       // headroom got SIGTERM, SIGINT or SIGHUP (signal)
    kProbe,        // a health probe finished (probe)
  };
  Kind kind = Kind::kTimeout;
  int wait_status = 0;
  int signal = 0;
  ProbeOutcome probe;
};

// One line of the run's story: the event file, the metrics and the console are made from these.
struct RunEvent {
  enum class Kind {
    kGateOpened,  // waited, seconds = the wait
    kStarted,     // pid, attempt
    kReady,       // seconds = from start to healthy
    kDied,        // verdict
    kRestarting,  // verdict (why), seconds = the floor delay, if any
    kGaveUp,      // verdict, text = why no more restarts
    kStopping,    // signal, text = why
    kExited,      // exit_status
    kProbe,       // the probes' answer changed: text = what they answer now, count = how many
                  // answers the previous state had
    kWaiting,     // what holds the start back changed: text = the waiting line (the pool's
                  // queue, a loading neighbour's claim, the previous instance, memory)
                  // The last one: act/event_log's reader counts up to it; add new kinds above.
  };
  Kind kind = Kind::kStarted;
  int pid = 0;
  int attempt = 0;
  double seconds = 0;
  std::optional<Verdict> verdict;
  int exit_status = 0;
  std::string text;
  int signal = 0;                     // kStopping: the signal sent
  double settle_seconds = 0;          // kGateOpened: the settle window after `seconds` of waiting
  std::optional<ProbeOutcome> probe;  // kProbe
  int count = 0;                      // kProbe: answers in the state before this one
};

// The phases, for STATUS= and the `headroom_up` / `headroom_ready` gauges.
enum class Phase { kWaiting, kStarting, kServing, kStopping, kDone };

class SupervisorHost {
 public:
  virtual ~SupervisorHost() = default;
  virtual Instant now() = 0;
  // Waits for the next event until `deadline` (kTimeout when none came). Servicing that does not
  // concern the supervisor (metrics requests, watchdog pings, reaping orphans) happens in here.
  virtual HostEvent wait(Instant deadline) = 0;
  virtual Status sample(Sample& out) = 0;  // the caller's Sample, reused (MemorySource::read)
  // How much of the previous instance is still around: live processes of its tree, its PIDs in
  // the GPU process list. The gate waits for its count to reach 0.
  virtual Result<Pending> pending() = 0;
  // Only the live processes of the tree (what signals can still end).
  virtual Result<Pending> live_processes() = 0;
  // Starts the command in its own process group. An error carries execve's errno.
  virtual Result<pid_t> spawn() = 0;
  virtual void signal_group(int sig) = 0;  // the main process's group
  virtual void kill_all() = 0;             // SIGKILL to the group and every descendant
  virtual void start_probe() = 0;          // its result arrives as a kProbe event
  // Fills what only the system knows: kernel records since the start, oom_kill delta, PIDs seen.
  virtual void collect(Evidence& e) = 0;
  // The instance starts now: remember the kernel log position and the oom_kill counter.
  virtual void mark_start() = 0;
  // Before each gate: give page cache back (--evict, --drop-caches).
  virtual void prepare() {}
  virtual void phase(Phase p, const std::string& status) = 0;
  // The other servers on this pool (the ledger), or null: the gate sees the pool alone.
  virtual PoolShare* pool_share() { return nullptr; }
  // What the server holds now, as last measured (0: not measured), for the guard's verdict.
  virtual uint64_t held() { return 0; }
  virtual void event(const RunEvent& e) = 0;
};

class Supervisor {
 public:
  Supervisor(RunConfig config, SupervisorHost& host, std::string command)
      : config_(std::move(config)),
        host_(host),
        command_(std::move(command)),
        limiter_(config_.restart.burst, config_.restart.within) {}

  // Runs until the server stops for good; returns headroom's exit code.
  int run();

 private:
  enum class GateResult { kOpen, kTimedOut, kStop, kImpossible };
  enum class Outcome { kDied, kStopped, kRestartRequested };

  // What one pass of run()'s loop ends in: go on (start), round again (restart), or exit.
  struct Step {
    enum Kind { kGo, kAgain, kExit } kind = kGo;
    int status = 0;  // kExit: headroom's exit code
  };
  Step gate_step();                    // the gate before a start; kGo when it opened
  Step instance_step(Instant& floor);  // one instance, from spawn to the decision after it
  int finish(int status);              // the exited event, then `status`
  int give_up(const Verdict& v, const std::string& why);
  void died(const Verdict& v, int pid = 0, int attempt = 0);  // the died event
  std::string limit_text() const;

  // How a gate ended: its last verdict, and what it waited on (or why it could not wait).
  struct GateEnd {
    GateResult result = GateResult::kTimedOut;
    GateVerdict verdict;
    std::string pending;
  };
  GateEnd gate();
  Outcome supervise(pid_t pid, Evidence& e);
  // Sends the stop signal (and SIGCONT), waits up to the stop timeout, then SIGKILLs
  // everything. `reason` is said before the signal goes.
  void stop(Evidence& e, StopReason why, const std::string& reason);
  // A probe's answer: logged once per change of what the probes answer.
  void note_probe(const ProbeOutcome& p, bool ready);
  // After the main process ended: its workers get the stop signal, then SIGKILL, until gone.
  void reap_rest();
  void remember_sample(const Sample& s);
  std::string gate_status(const GateVerdict& v, const std::string& pending) const;

  RunConfig config_;
  SupervisorHost& host_;
  std::string command_;
  StartLimiter limiter_;
  int pending_signal_ = 0;   // a stop/restart request that arrived while busy
  int attempt_ = 0;          // instances started
  std::string probe_state_;  // "health:refused", ...: the last reported state of the probes
  int probe_repeats_ = 0;    // answers in that state
  int rejections_ = 0;       // generation probes rejected (4xx) in a row
  // OOM deaths at load in a row with the same footprint (--fit-deaths).
  int fit_streak_ = 0;
  Cause fit_cause_ = Cause::kOomKiller;
  uint64_t fit_footprint_ = 0;
  // The verdict that ends the restarts when `v` repeats a death that cannot change; or nullopt.
  std::optional<Verdict> does_not_fit(const Verdict& v, const Evidence& e);
  // The memory ring: the last minute at the default sample interval, oldest overwritten.
  static constexpr size_t kRing = 64;
  std::array<MemoryPoint, kRing> ring_{};
  size_t ring_next_ = 0, ring_size_ = 0;
};

}  // namespace headroom
