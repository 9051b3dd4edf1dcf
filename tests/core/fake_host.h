// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// A scripted SupervisorHost: each started instance follows a Behaviour, time moves only when the
// supervisor waits, and everything the supervisor does is recorded.
#pragma once

#include <sys/wait.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "core/fakes.h"
#include "core/size.h"
#include "core/supervisor.h"

namespace headroom::test {

struct Behaviour {
  std::optional<Duration> exit_after;   // dies on its own this long after the start...
  int wait_status = 1 << 8;             // ...with this wait status (default: exit 1)
  Duration healthy_after{};             // probes succeed from start + this
  std::optional<Duration> wedge_after;  // probes hang (then fail) from start + this
  bool ignores_stop = false;            // the stop signal does nothing; SIGKILL does
  int spawn_errno = 0;                  // execve fails with this
  Duration workers_linger{};            // workers still alive this long after the main death
  std::vector<std::string> kernel;      // kernel lines logged before the death
  uint64_t oom_kills = 0;               // the pool's oom_kill counter rises by this
  int reject_status = 0;                // probes answer this HTTP status (a 4xx: rejected)
};

class FakeHost : public SupervisorHost {
 public:
  FakeHost() : start_(clock_.now()) {}

  // Instance n (from 0) behaves like script[min(n, size-1)].
  std::vector<Behaviour> script{Behaviour{}};
  // Available memory at a time since the start of the test; total 128 GiB.
  std::function<uint64_t(Duration)> available = [](Duration) { return 100 * kGiB; };
  std::deque<std::pair<Duration, int>> signals;  // deliver `sig` at this time since the start
  Duration probe_timeout = std::chrono::seconds(5);

  // What happened.
  std::vector<RunEvent> events;
  std::vector<Duration> spawns;  // when each instance started, since the start
  std::vector<int> sent;         // signals sent to the group
  int kills = 0;
  std::vector<std::string> phases;
  std::vector<Phase> phase_kinds;  // beside `phases`
  PoolShare* share = nullptr;      // the pool's ledger, as `run` gives its seat

  Duration elapsed() { return clock_.now() - start_; }
  Instant at(Duration d) const { return start_ + d; }

  std::vector<RunEvent> of(RunEvent::Kind k) const {
    std::vector<RunEvent> out;
    for (const RunEvent& e : events) {
      if (e.kind == k) out.push_back(e);
    }
    return out;
  }

  Instant now() override { return clock_.now(); }

  HostEvent wait(Instant deadline) override {
    Instant next = deadline;
    int which = 0;  // 0 timeout, 1 exit, 2 probe, 3 signal
    if (alive_ && exit_at_ && *exit_at_ < next) next = *exit_at_, which = 1;
    if (probe_at_ && *probe_at_ < next) next = *probe_at_, which = 2;
    if (!signals.empty() && at(signals.front().first) < next) {
      next = std::max(at(signals.front().first), clock_.now());
      which = 3;
    }
    clock_.sleep_until(next);
    HostEvent ev;
    switch (which) {
      case 1:
        alive_ = false;
        died_at_ = clock_.now();
        ev.kind = HostEvent::Kind::kChildExited;
        ev.wait_status = status_;
        break;
      case 2:
        ev.kind = HostEvent::Kind::kProbe;
        ev.probe = probe_;
        probe_at_.reset();
        break;
      case 3:
        ev.kind = HostEvent::Kind::kSignal;
        ev.signal = signals.front().second;
        signals.pop_front();
        break;
      default:
        break;
    }
    return ev;
  }

  Status sample(Sample& out) override {
    out.mem.total = 128 * kGiB;
    out.mem.available = available(elapsed());
    return {};
  }

  Result<Pending> pending() override {
    if (alive_) return Pending{1, "process still running"};
    if (died_at_ && clock_.now() < *died_at_ + current().workers_linger && !workers_killed_) {
      return Pending{1, "a worker is still running"};
    }
    return Pending{};
  }

  Result<Pending> live_processes() override { return pending(); }

  Result<pid_t> spawn() override {
    ++instance_;
    const Behaviour& b = current();
    if (b.spawn_errno != 0) return Error{"exec failed", b.spawn_errno};
    spawns.push_back(elapsed());
    alive_ = true;
    started_ = clock_.now();
    died_at_.reset();
    workers_killed_ = false;
    exit_at_.reset();
    if (b.exit_after) {
      exit_at_ = clock_.now() + *b.exit_after;
      status_ = b.wait_status;
    }
    return 1000 + instance_;
  }

  void signal_group(int sig) override {
    sent.push_back(sig);
    if (sig == SIGCONT) return;  // continues a stopped process; kills nothing
    if (alive_ && !current().ignores_stop) {
      exit_at_ = clock_.now() + std::chrono::milliseconds(50);
      status_ = sig;  // killed by that signal
    }
  }

  void kill_all() override {
    ++kills;
    workers_killed_ = true;
    if (alive_) {
      exit_at_ = clock_.now() + std::chrono::milliseconds(1);
      status_ = SIGKILL;
    }
  }

  void start_probe() override {
    const Behaviour& b = current();
    const Duration age = clock_.now() - started_;
    const bool wedged = b.wedge_after && age >= *b.wedge_after;
    probe_ = ProbeOutcome{};
    probe_.probe = "health";
    probe_.ok = alive_ && !wedged && age >= b.healthy_after && b.reject_status == 0;
    if (probe_.ok) {
      probe_.result = "ok";
    } else if (b.reject_status != 0 && alive_ && !wedged) {
      probe_.http_status = b.reject_status;
      probe_.result = "http_" + std::to_string(b.reject_status);
      probe_.detail = "HTTP " + std::to_string(b.reject_status);
    } else if (wedged) {
      probe_.result = "timeout";
      probe_.detail = "no answer within 5.0s";
    } else {
      probe_.result = "refused";
      probe_.detail = "connection refused";
    }
    probe_at_ = clock_.now() + (wedged ? probe_timeout : std::chrono::milliseconds(5));
  }

  void collect(Evidence& e) override {
    const Behaviour& b = current();
    for (const std::string& line : b.kernel)
      e.kernel.push_back(KernelRecord{3, 0, 0, line});
    e.kernel_usec_at_death = 0;
    e.oom_kills_delta = b.oom_kills;
    e.pool = "cgroup /pool";
  }

  void mark_start() override {}
  void phase(Phase p, const std::string& status) override {
    phases.push_back(status);
    phase_kinds.push_back(p);
  }
  PoolShare* pool_share() override { return share; }
  void event(const RunEvent& e) override { events.push_back(e); }

 private:
  const Behaviour& current() const {
    return script[std::min(static_cast<size_t>(std::max(instance_ - 1, 0)), script.size() - 1)];
  }

  FakeClock clock_;
  Instant start_;
  int instance_ = 0;
  bool alive_ = false;
  bool workers_killed_ = false;
  Instant started_{};
  std::optional<Instant> exit_at_, probe_at_, died_at_;
  int status_ = 0;
  ProbeOutcome probe_;
};

}  // namespace headroom::test
