// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/supervisor.h"

#include <fmt/format.h>

#include <sys/wait.h>

#include <algorithm>
#include <functional>

#include "core/size.h"
#include "core/wait_loop.h"

namespace headroom {
namespace {

bool is_stop_signal(int sig) {
  return sig == SIGTERM || sig == SIGINT;
}

// The gate's loop (core/wait_loop) runs on the host: its sleeps are the host's waits, so metrics
// keep being served and signals end the wait.
class HostClock : public Clock {
 public:
  HostClock(SupervisorHost& host, int& pending_signal) : host_(host), signal_(pending_signal) {}
  Instant now() override { return host_.now(); }
  void sleep_until(Instant t) override {
    const HostEvent ev = host_.wait(t);
    if (ev.kind == HostEvent::Kind::kSignal) signal_ = ev.signal;
  }

 private:
  SupervisorHost& host_;
  int& signal_;
};

class HostMemory : public MemorySource {
 public:
  explicit HostMemory(SupervisorHost& host) : host_(host) {}
  Status read(Sample& out) override { return host_.sample(out); }

 private:
  SupervisorHost& host_;
};

class HostGone : public GoneWatch {
 public:
  explicit HostGone(SupervisorHost& host) : host_(host) {}
  Result<Pending> pending() override { return host_.pending(); }

 private:
  SupervisorHost& host_;
};

// Publishes the gate's progress as the phase text, and keeps the memory ring going.
class GateObserver : public WaitObserver {
 public:
  GateObserver(SupervisorHost& host, int& pending_signal,
               std::function<std::string(const GateVerdict&, const std::string&)> status,
               std::function<void(const Sample&)> remember)
      : host_(host),
        signal_(pending_signal),
        status_(std::move(status)),
        remember_(std::move(remember)) {}
  void on_sample(const Sample& s, const PoolView&, const GateVerdict& v,
                 std::string_view pending) override {
    remember_(s);
    std::string text = status_(v, std::string(pending));
    // What holds the start back, without its figures (which move with every sample): the
    // blockers and whom the pending reason names ("vllm-a is loading", "queued behind x (pid
    // 42)", "process 7 is still running"). A "waiting" event each time that changes.
    const std::string cause =
        v.state == GateState::kWaiting
            ? fmt::format("{}|{}", v.blockers, pending.substr(0, pending.find(':')))
            : std::string();
    if (!cause.empty() && cause != last_cause_) {
      RunEvent w;
      w.kind = RunEvent::Kind::kWaiting;
      w.text = text;
      host_.event(w);
    }
    last_cause_ = cause;
    // An open gate is not said as waiting: with a pool ledger the start is taken by now, and a
    // seat told "waiting" again would drop its loading claim (and its place) before the start,
    // letting a neighbour's gate open on the same memory. The next phase is the start's.
    if (v.state != GateState::kOpen && text != last_) {
      host_.phase(Phase::kWaiting, text);
      last_ = std::move(text);
    }
  }
  bool cancelled() override {
    if (signal_ == SIGHUP) signal_ = 0;  // a restart request while about to start: nothing to do
    return is_stop_signal(signal_);
  }

 private:
  SupervisorHost& host_;
  int& signal_;
  std::function<std::string(const GateVerdict&, const std::string&)> status_;
  std::function<void(const Sample&)> remember_;
  std::string last_;
  std::string last_cause_;
};

}  // namespace

std::string Supervisor::gate_status(const GateVerdict& v, const std::string& pending) const {
  if (v.state == GateState::kSettling) {
    return fmt::format("settling: {} available", format_bytes(v.available));
  }
  if (v.blockers & kBlockGone) return "waiting for the previous instance: " + pending;
  if (v.blockers & kBlockQueue) return "waiting for the pool: " + pending;
  if (v.blockers & kBlockMemory) {
    // `available` is what the pool shows less what loading servers still have to take.
    return fmt::format("waiting for memory: {} / {}{}", format_bytes(v.available),
                       format_bytes(v.target), pending.empty() ? "" : " (" + pending + ")");
  }
  if (v.blockers & kBlockPressure) return "waiting for memory pressure to fall";
  return "starting";
}

void Supervisor::remember_sample(const Sample& s) {
  const PoolView p = pool_view(s);
  ring_[ring_next_] = MemoryPoint{host_.now(), p.total, p.available};
  ring_next_ = (ring_next_ + 1) % kRing;
  ring_size_ = std::min(ring_size_ + 1, kRing);
}

Supervisor::GateEnd Supervisor::gate() {
  Gate g(config_.gate, host_.now());
  HostClock clock(host_, pending_signal_);
  HostMemory memory(host_);
  HostGone gone(host_);
  GateObserver observer(
      host_, pending_signal_,
      [this](const GateVerdict& v, const std::string& p) { return gate_status(v, p); },
      [this](const Sample& s) { remember_sample(s); });
  auto out = run_gate(g, memory, &gone, clock, config_.interval, observer, host_.pool_share());
  GateEnd end;
  if (!out) {
    // The pool became unreadable (its cgroup removed): report it as a gate failure.
    end.result = GateResult::kTimedOut;
    end.verdict.state = GateState::kTimedOut;
    end.pending = out.error().message;
    return end;
  }
  end.verdict = out->verdict;
  end.pending = out->pending_what;
  if (out->cancelled) {
    end.result = GateResult::kStop;
  } else if (!out->impossible.empty()) {
    end.pending = out->impossible;
    end.result = GateResult::kImpossible;
  } else {
    end.result = end.verdict.state == GateState::kOpen ? GateResult::kOpen : GateResult::kTimedOut;
  }
  return end;
}

void Supervisor::stop(Evidence& e, StopReason why, const std::string& reason) {
  e.stop = why;
  e.stop_signal = config_.stop_signal;
  e.stop_timeout = config_.stop_timeout;
  host_.phase(Phase::kStopping, "stopping: " + reason);
  // Why first, then the signal: the stop timeout counts from here.
  RunEvent se;
  se.kind = RunEvent::Kind::kStopping;
  se.pid = e.pids.empty() ? 0 : e.pids.front();
  se.signal = config_.stop_signal;
  se.text = reason;
  host_.event(se);
  host_.signal_group(config_.stop_signal);
  // A stopped process (SIGSTOP, a debugger, a frozen cgroup) acts on no signal until it runs
  // again: continue it, as systemd does after the stop signal (systemd.kill(5), SendSIGCONT=).
  if (config_.stop_signal != SIGKILL) host_.signal_group(SIGCONT);
  Instant deadline = host_.now() + config_.stop_timeout;
  bool killed = false;
  for (;;) {
    const HostEvent ev = host_.wait(deadline);
    if (ev.kind == HostEvent::Kind::kChildExited) {
      e.wait_status = ev.wait_status;
      e.died = host_.now();
      return;
    }
    const bool second_request = ev.kind == HostEvent::Kind::kSignal && is_stop_signal(ev.signal);
    if (ev.kind == HostEvent::Kind::kSignal) pending_signal_ = ev.signal;
    if (!killed && (ev.kind == HostEvent::Kind::kTimeout || second_request)) {
      // Ignored the stop signal, or asked twice: no more waiting.
      host_.kill_all();
      killed = true;
      e.killed_after_timeout = true;
      deadline = host_.now() + std::chrono::seconds(10);
    } else if (killed && ev.kind == HostEvent::Kind::kTimeout) {
      // SIGKILL not reaped within 10 s: stuck in the kernel (D state). Report it as killed.
      e.wait_status = SIGKILL;
      e.died = host_.now();
      return;
    }
  }
}

void Supervisor::reap_rest() {
  auto left = host_.live_processes();
  if (!left || left->count == 0) return;
  // Workers of a dead server: the stop signal first, as systemd's KillMode=control-group does.
  host_.signal_group(config_.stop_signal);
  const Instant soft = host_.now() + config_.stop_timeout;
  bool killed = false;
  for (;;) {
    const Instant now = host_.now();
    if (!killed && now >= soft) {
      host_.kill_all();
      killed = true;
    }
    left = host_.live_processes();
    if (!left || left->count == 0) return;
    if (killed && now >= soft + std::chrono::seconds(10)) return;  // stuck in the kernel
    const HostEvent ev = host_.wait(now + std::chrono::milliseconds(100));
    if (ev.kind == HostEvent::Kind::kSignal) {
      pending_signal_ = ev.signal;
      if (is_stop_signal(ev.signal) && !killed) {
        host_.kill_all();
        killed = true;
      }
    }
  }
}

std::optional<Verdict> Supervisor::does_not_fit(const Verdict& v, const Evidence& e) {
  const bool memory = v.cause == Cause::kOomKiller || v.cause == Cause::kGpuOom;
  if (!memory || e.ready || config_.fit_deaths <= 0) {
    fit_streak_ = 0;
    return std::nullopt;
  }
  const uint64_t hi = std::max(fit_footprint_, v.footprint);
  const uint64_t lo = std::min(fit_footprint_, v.footprint);
  const bool same_footprint = hi == 0 || (lo > 0 && hi - lo <= hi / 10);
  fit_streak_ = fit_streak_ > 0 && fit_cause_ == v.cause && same_footprint ? fit_streak_ + 1 : 1;
  fit_cause_ = v.cause;
  fit_footprint_ = v.footprint;
  if (fit_streak_ < config_.fit_deaths) return std::nullopt;
  Verdict out = v;
  out.cause = Cause::kDoesNotFit;
  out.reason = "does_not_fit";
  out.line = fmt::format(
      "the server does not fit: it died the same way while loading {} times in a row{} ({}); not "
      "restarting (lower its memory: headroom plan; --fit-deaths 0 keeps trying)",
      fit_streak_,
      v.footprint > 0 ? fmt::format(", holding {} each time", format_bytes(v.footprint)) : "",
      v.line);
  return out;
}

void Supervisor::note_probe(const ProbeOutcome& p, bool ready) {
  const std::string state = p.ok ? "ok" : p.probe + ":" + p.result;
  if (state == probe_state_) {
    ++probe_repeats_;
    return;
  }
  const bool first = probe_state_.empty();
  const int before = probe_repeats_;
  probe_state_ = state;
  probe_repeats_ = 1;
  if (first && p.ok) return;  // healthy at the first answer: nothing to tell
  RunEvent r;
  r.kind = RunEvent::Kind::kProbe;
  r.probe = p;
  r.count = first ? 0 : before;
  if (p.ok) {
    r.text = "probes pass";
  } else {
    r.text = fmt::format("{} probe: {}", p.probe, p.detail);
    if (p.result == "refused" && !ready) r.text += " (not listening yet: loading)";
    if (p.rejected()) {
      r.text += " -- the server rejects the request itself: a wrong path or body for it";
    }
  }
  host_.event(r);
  if (!p.ok) {
    host_.phase(ready ? Phase::kServing : Phase::kStarting,
                fmt::format("{}; {}", ready ? "serving" : "loading", r.text));
  } else {
    host_.phase(ready ? Phase::kServing : Phase::kStarting, ready ? "serving" : "loading");
  }
}

Supervisor::Outcome Supervisor::supervise(pid_t pid, Evidence& e) {
  const Instant start = host_.now();
  bool ready = !config_.health;
  // Without a health probe the phase is not known: such a death never counts as "at load".
  e.ready = ready;
  if (ready) {
    host_.phase(Phase::kServing, "serving");
    RunEvent r;
    r.kind = RunEvent::Kind::kReady;
    r.pid = pid;
    host_.event(r);
  } else {
    host_.phase(Phase::kStarting, "loading");
  }
  Instant next_probe = start + config_.startup_probe_interval;
  Instant next_sample = start;
  // The guard samples more often than the memory ring: it has --guard-for to act in.
  const Duration every =
      config_.guard.enabled()
          ? std::min(config_.sample_interval, Duration(std::chrono::milliseconds(200)))
          : config_.sample_interval;
  Guard guard(config_.guard);
  Instant next_ring = start;
  bool in_flight = false;
  int failures = 0;
  probe_state_.clear();
  probe_repeats_ = 0;
  rejections_ = 0;
  for (;;) {
    const Instant now = host_.now();
    if (now >= next_sample) {
      Sample s;
      if (host_.sample(s)) {
        if (now >= next_ring) {
          remember_sample(s);
          next_ring = now + config_.sample_interval;
        }
        if (config_.guard.enabled()) {
          if (auto why = guard.feed(now, pool_view(s), s.psi, host_.held())) {
            e.guard = *why;
            stop(e, StopReason::kGuard, *why);
            return Outcome::kDied;
          }
        }
      }
      next_sample = now + every;
    }
    if (!ready && now - start >= config_.startup_timeout) {
      e.startup_timeout = config_.startup_timeout;
      stop(e, StopReason::kStartupTimeout,
           fmt::format("not healthy within the {} startup timeout{}",
                       format_duration(config_.startup_timeout),
                       e.last_probe.empty() ? "" : " (last: " + e.last_probe + ")"));
      return Outcome::kDied;
    }
    if (config_.health && !in_flight && now >= next_probe) {
      host_.start_probe();
      in_flight = true;
    }
    Instant deadline = next_sample;
    if (config_.health && !in_flight) deadline = std::min(deadline, next_probe);
    if (!ready) deadline = std::min(deadline, start + config_.startup_timeout);

    const HostEvent ev = host_.wait(deadline);
    switch (ev.kind) {
      case HostEvent::Kind::kChildExited:
        e.wait_status = ev.wait_status;
        e.died = host_.now();
        return Outcome::kDied;
      case HostEvent::Kind::kSignal:
        if (ev.signal == SIGHUP) {
          stop(e, StopReason::kRestartRequested, "restart requested (SIGHUP)");
          return Outcome::kRestartRequested;
        }
        stop(e, StopReason::kRequested, fmt::format("asked to stop ({})", signal_name(ev.signal)));
        return Outcome::kStopped;
      case HostEvent::Kind::kProbe:
        in_flight = false;
        next_probe =
            host_.now() + (ready ? config_.health_interval : config_.startup_probe_interval);
        note_probe(ev.probe, ready);
        if (!ev.probe.ok) e.last_probe = ev.probe.probe + " probe: " + ev.probe.detail;
        // A request the server rejects (4xx) is rejected every time: stop and say so rather than
        // wait out the startup timeout or call it a wedge.
        rejections_ = !ev.probe.ok && ev.probe.rejected() ? rejections_ + 1 : 0;
        if (rejections_ >= config_.health_failures) {
          stop(e, StopReason::kProbeRejected, e.last_probe);
          return Outcome::kDied;
        }
        if (ev.probe.ok) {
          failures = 0;
          if (!ready) {
            ready = true;
            e.ready = true;
            host_.phase(Phase::kServing, "serving");
            RunEvent r;
            r.kind = RunEvent::Kind::kReady;
            r.pid = pid;
            r.seconds = to_seconds(host_.now() - start);
            host_.event(r);
          }
        } else if (ready && ++failures >= config_.health_failures) {
          e.health_failures = failures;
          stop(e, StopReason::kWedged,
               fmt::format("wedged: {} health checks failed in a row (last: {})", failures,
                           e.last_probe));
          return Outcome::kDied;
        }
        break;
      case HostEvent::Kind::kTimeout:
        break;
    }
  }
}

int Supervisor::finish(int status) {
  host_.phase(Phase::kDone, "stopped");
  RunEvent x;
  x.kind = RunEvent::Kind::kExited;
  x.exit_status = status;
  host_.event(x);
  return status;
}

int Supervisor::give_up(const Verdict& v, const std::string& why) {
  RunEvent g;
  g.kind = RunEvent::Kind::kGaveUp;
  g.verdict = v;
  g.text = why;
  host_.event(g);
  return finish(v.exit_status != 0 ? v.exit_status : 1);
}

void Supervisor::died(const Verdict& v, int pid, int attempt) {
  RunEvent d;
  d.kind = RunEvent::Kind::kDied;
  d.pid = pid;
  d.attempt = attempt;
  d.verdict = v;
  host_.event(d);
}

std::string Supervisor::limit_text() const {
  return fmt::format("start limit reached: {} failures within {}", config_.restart.burst,
                     format_duration(config_.restart.within));
}

Supervisor::Step Supervisor::gate_step() {
  host_.phase(Phase::kWaiting, "waiting for memory");
  host_.prepare();
  const GateEnd g = gate();
  if (g.result == GateResult::kStop) return {Step::kExit, finish(0)};
  if (g.result == GateResult::kImpossible) {
    // Waiting cannot help: a configuration error (exit 2), said before anything starts.
    Verdict v;
    v.cause = Cause::kGateTimeout;
    v.exit_status = 2;
    v.reason = "impossible_target";
    v.line = g.pending;
    return {Step::kExit, give_up(v, g.pending + "; waiting cannot help")};
  }
  if (g.result == GateResult::kTimedOut) {
    const Verdict v =
        gate_timeout_verdict(g.verdict.available, g.verdict.target, g.verdict.elapsed, g.pending);
    died(v);
    const Next n = after_death(config_.restart, v, limiter_, host_.now());
    if (n == Next::kGiveUp) return {Step::kExit, give_up(v, limit_text())};
    if (n == Next::kExit) return {Step::kExit, finish(v.exit_status)};
    RunEvent r;
    r.kind = RunEvent::Kind::kRestarting;
    r.verdict = v;
    host_.event(r);
    return {Step::kAgain, 0};
  }
  // How long the memory held the start up: until the settle window that opened the gate began
  // (with memory already there, 0 -- the window itself is the settle, said apart).
  RunEvent opened;
  opened.kind = RunEvent::Kind::kGateOpened;
  opened.seconds = to_seconds(g.verdict.elapsed - std::min(g.verdict.settled, g.verdict.elapsed));
  opened.settle_seconds = to_seconds(std::min(g.verdict.settled, g.verdict.elapsed));
  host_.event(opened);
  return {Step::kGo, 0};
}

Supervisor::Step Supervisor::instance_step(Instant& floor) {
  const int attempt = ++attempt_;
  host_.mark_start();
  Evidence e;
  e.started = host_.now();
  auto pid = host_.spawn();
  if (!pid) {
    const Verdict v = exec_failure_verdict(command_, pid.error().sys_errno);
    died(v);
    return {Step::kExit, give_up(v, "the command cannot be executed; restarting cannot help")};
  }
  e.pids.push_back(*pid);
  RunEvent started;
  started.kind = RunEvent::Kind::kStarted;
  started.pid = *pid;
  started.attempt = attempt;
  host_.event(started);

  const Outcome o = supervise(*pid, e);
  host_.collect(e);
  for (size_t i = 0; i < ring_size_; ++i) {
    e.memory.push_back(ring_[(ring_next_ + kRing - ring_size_ + i) % kRing]);
  }
  reap_rest();
  const Verdict v = diagnose(e);
  died(v, *pid, attempt);
  if (auto fit = does_not_fit(v, e)) return {Step::kExit, give_up(*fit, "the server does not fit")};

  if (o == Outcome::kStopped || is_stop_signal(pending_signal_)) {
    // Stopped on request, and it is gone: that is a success, whatever the server's own status
    // (the verdict keeps it) -- also when it ignored the stop signal and headroom had to
    // SIGKILL it. Under systemd a requested stop must not leave the unit failed.
    return {Step::kExit, finish(0)};
  }
  if (o == Outcome::kRestartRequested) {
    pending_signal_ = 0;
    RunEvent r;
    r.kind = RunEvent::Kind::kRestarting;
    r.text = "restart requested (SIGHUP)";
    host_.event(r);
    return {Step::kAgain, 0};
  }
  const Next n = after_death(config_.restart, v, limiter_, host_.now());
  if (n == Next::kExit) return {Step::kExit, finish(v.exit_status)};
  if (n == Next::kGiveUp) {
    return {Step::kExit,
            give_up(v, v.cause == Cause::kExecFailed ? "the command cannot be executed"
                       : v.cause == Cause::kProbeRejected
                           ? "the server rejects the probe's request; restarting cannot help"
                           : limit_text())};
  }
  floor = e.died + config_.restart.delay;
  RunEvent r;
  r.kind = RunEvent::Kind::kRestarting;
  r.verdict = v;
  r.seconds = to_seconds(config_.restart.delay);
  host_.event(r);
  return {Step::kAgain, 0};
}

int Supervisor::run() {
  Instant floor{};  // --restart-delay: no start before this
  for (;;) {
    if (is_stop_signal(pending_signal_)) return finish(0);
    // A floor before restarts, for those who want one; interruptible.
    while (host_.now() < floor) {
      const HostEvent ev = host_.wait(floor);
      if (ev.kind == HostEvent::Kind::kSignal && is_stop_signal(ev.signal)) return finish(0);
    }
    const Step g = gate_step();
    if (g.kind == Step::kExit) return g.status;
    if (g.kind == Step::kAgain) continue;
    const Step i = instance_step(floor);
    if (i.kind == Step::kExit) return i.status;
  }
}

}  // namespace headroom
