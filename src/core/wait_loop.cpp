// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/wait_loop.h"

#include <fmt/format.h>

#include <algorithm>

namespace headroom {

std::string impossible_target(const GateConfig& cfg, uint64_t pool_total) {
  if (!cfg.target || pool_total == 0) return {};
  const uint64_t want = cfg.target->resolve(pool_total);
  if (want <= pool_total) return {};
  return fmt::format("the target {} can never be met: the pool is {} in all", format_bytes(want),
                     format_bytes(pool_total));
}

Result<WaitOutcome> run_gate(Gate& gate, MemorySource& memory, GoneWatch* gone, Clock& clock,
                             Duration interval, WaitObserver& observer, PoolShare* share) {
  WaitOutcome out;
  Sample sample;
  const GateConfig& cfg = gate.config();
  const Instant deadline = cfg.timeout == kForever ? Instant::max() : gate.start() + cfg.timeout;
  Instant tick = clock.now();
  for (;;) {
    if (Status st = memory.read(sample); !st) return st.error();
    if (std::string notice = memory.take_notice(); !notice.empty()) observer.on_notice(notice);
    sample.time = clock.now();
    int pending = 0;
    if (gone != nullptr) {
      auto p = gone->pending();
      if (!p) return p.error();
      pending = p->count;
      out.pending_what = std::move(p->what);
    }
    if (pending == 0) out.pending_what.clear();

    GateInput in;
    in.now = sample.time;
    out.pool = pool_view(sample);
    out.last = sample;
    if (out.samples == 0) {
      out.impossible = impossible_target(cfg, out.pool.total);
      if (!out.impossible.empty()) {
        out.samples = 1;
        out.verdict.target = cfg.target->resolve(out.pool.total);
        out.verdict.available = out.pool.available;
        return out;
      }
    }
    in.pool_total = out.pool.total;
    in.available = out.pool.available;
    if (share != nullptr) {
      auto st = share->standing();
      if (!st) return st.error();
      in.available = in.available > st->promised ? in.available - st->promised : 0;
      in.queued = st->queued;
      if (pending == 0) out.pending_what = st->why;  // what the waiting line names
    }
    if (sample.psi.present) in.pressure = sample.psi.some.avg10;
    in.pending = pending;
    out.verdict = gate.feed(in);
    if (out.verdict.state == GateState::kOpen && share != nullptr) {
      auto taken = share->take(out.pool.available, out.verdict.target);
      if (!taken) return taken.error();
      if (!*taken) {  // another start took the room first: wait on
        gate.reopen();
        out.verdict.state = GateState::kWaiting;
        out.verdict.blockers |= kBlockQueue;
      }
    }
    ++out.samples;
    observer.on_sample(sample, out.pool, out.verdict, out.pending_what);

    if (out.verdict.state == GateState::kOpen || out.verdict.state == GateState::kTimedOut) {
      return out;
    }
    if (observer.cancelled()) {
      out.cancelled = true;
      return out;
    }
    // Fixed ticks: a slow sample does not stretch the period; a missed tick is skipped, not
    // caught up. Never sleep past the deadline, so a timeout is reported on time.
    tick += interval;
    const Instant now = clock.now();
    if (tick < now) tick = now;
    Instant wake = std::min(tick, std::max(deadline, now));
    // While settling, wake exactly when the window completes: on the tick grid, jitter of a few
    // microseconds between samples would otherwise cost a whole interval.
    if (out.verdict.state == GateState::kSettling) {
      wake = std::min(wake, sample.time + (cfg.settle - out.verdict.settled));
    }
    clock.sleep_until(wake);
    if (observer.cancelled()) {
      out.cancelled = true;
      return out;
    }
  }
}

}  // namespace headroom
