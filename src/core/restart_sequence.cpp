// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/restart_sequence.h"

#include <fmt/format.h>

#include "core/size.h"
#include "core/wait_loop.h"

namespace headroom {
namespace {

// The gate's loop, quietly.
class Silent : public WaitObserver {
 public:
  void on_sample(const Sample&, const PoolView&, const GateVerdict&, std::string_view) override {}
};

class TargetGone : public GoneWatch {
 public:
  explicit TargetGone(RestartTarget& t) : t_(t) {}
  Result<Pending> pending() override { return t_.pending(); }

 private:
  RestartTarget& t_;
};

}  // namespace

std::vector<std::string> restart_plan(const RestartTarget& t, const RestartOptions& o) {
  std::vector<std::string> plan;
  if (t.gates_itself()) {
    plan.push_back(
        fmt::format("restart: send SIGHUP to {}: it stops the server, waits for "
                    "memory with its own gate, and starts it again",
                    t.describe()));
    plan.push_back(fmt::format("healthy: wait up to {} for it to report ready",
                               format_duration(o.health_timeout)));
    return plan;
  }
  plan.push_back(fmt::format("stop: stop {} gracefully ({} grace)", t.describe(),
                             format_duration(o.stop_timeout)));
  plan.push_back(
      fmt::format("gone: wait up to {} until it and its processes are gone (and out "
                  "of the GPU process list)",
                  format_duration(o.gone_timeout)));
  plan.push_back(fmt::format(
      "gate: wait up to {} for {}, held {}", format_duration(o.gate.timeout),
      o.gate.target ? "memory >= " + o.gate.target->str() : std::string("the gate's conditions"),
      format_duration(o.gate.settle)));
  plan.push_back(fmt::format("start: start {}", t.describe()));
  plan.push_back(fmt::format("healthy: wait up to {} for {}", format_duration(o.health_timeout),
                             o.probe ? "--health to answer 200" : "its own health"));
  return plan;
}

RestartReport run_restart(RestartTarget& t, MemorySource& memory, Clock& clock,
                          const RestartOptions& o,
                          const std::function<void(const RestartStep&)>& on_step) {
  RestartReport report;
  auto step = [&](std::string name, Instant began, std::string detail, bool ok) {
    RestartStep s{std::move(name), clock.now() - began, std::move(detail), ok};
    if (on_step) on_step(s);
    report.steps.push_back(std::move(s));
    return ok;
  };
  auto fail = [&](int code) {
    report.exit_code = code;
    return report;
  };

  Instant began = clock.now();
  if (Status st = t.check(); !st) {
    step("check", began, st.error().message, false);
    return fail(2);
  }

  began = clock.now();
  auto stopped = t.stop(o.stop_timeout);
  if (!step(t.gates_itself() ? "restart" : "stop", began,
            stopped ? *stopped : stopped.error().message, stopped.ok())) {
    return fail(2);
  }

  if (!t.gates_itself()) {
    // Gone: everything of it, including what the GPU driver still lists.
    began = clock.now();
    for (;;) {
      auto left = t.pending();
      if (!left) {
        step("gone", began, left.error().message, false);
        return fail(2);
      }
      if (left->count == 0) break;
      if (clock.now() - began >= o.gone_timeout) {
        step("gone", began,
             "still there after " + format_duration(o.gone_timeout) + ": " + left->what, false);
        return fail(1);
      }
      clock.sleep_until(clock.now() + o.interval);
    }
    step("gone", began, "stopped; its processes are gone", true);

    if (o.before_gate) o.before_gate();
    began = clock.now();
    Gate gate(o.gate, began);
    TargetGone gone(t);
    Silent quiet;
    auto out = run_gate(gate, memory, &gone, clock, o.interval, quiet, o.pool);
    if (!out) {
      step("gate", began, out.error().message, false);
      return fail(2);
    }
    if (!out->impossible.empty()) {
      step("gate", began, out->impossible, false);
      return fail(2);
    }
    const GateVerdict& v = out->verdict;
    if (v.state != GateState::kOpen) {
      step("gate", began,
           fmt::format("memory did not come back: {} available{}{}", format_bytes(v.available),
                       v.target > 0 ? ", target " + format_bytes(v.target) : "",
                       out->pending_what.empty() ? "" : "; " + out->pending_what),
           false);
      return fail(1);
    }
    step("gate", began,
         fmt::format("{} available{}", format_bytes(v.available),
                     v.target > 0 ? " (target " + format_bytes(v.target) + ")" : ""),
         true);

    began = clock.now();
    auto started = t.start();
    if (!step("start", began, started ? *started : started.error().message, started.ok())) {
      return fail(2);
    }
  }

  // Healthy: --health when given, else the target's own word.
  began = clock.now();
  for (;;) {
    Health h;
    if (o.probe) {
      h = o.probe();
    } else {
      auto own = t.healthy();
      if (!own) {
        step("healthy", began, own.error().message, false);
        return fail(1);
      }
      h = std::move(*own);
    }
    if (h.healthy) {
      step("healthy", began, h.what, true);
      break;
    }
    if (clock.now() - began >= o.health_timeout) {
      step("healthy", began,
           "not healthy within " + format_duration(o.health_timeout) + ": " + h.what, false);
      return fail(1);
    }
    clock.sleep_until(clock.now() + std::chrono::milliseconds(250));
  }
  report.ok = true;
  return report;
}

}  // namespace headroom
