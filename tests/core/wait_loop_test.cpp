// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The sampling loop through fakes: ticks, reporting, errors, cancellation.
#include "core/wait_loop.h"

#include <gtest/gtest.h>

#include <functional>

#include "core/fakes.h"

namespace headroom {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using test::FakeClock;
using test::FakeGoneWatch;
using test::FakeMemorySource;

class Recorder : public WaitObserver {
 public:
  void on_sample(const Sample&, const PoolView&, const GateVerdict& v,
                 std::string_view what) override {
    states.push_back(v.state);
    last_what = std::string(what);
  }
  bool cancelled() override {
    return cancel_after >= 0 && static_cast<int>(states.size()) >= cancel_after;
  }
  std::vector<GateState> states;
  std::string last_what;
  int cancel_after = -1;
};

GateConfig cfg(uint64_t gib, Duration settle, Duration timeout) {
  GateConfig c;
  c.target = SizeSpec::of_bytes(gib * kGiB);
  c.settle = settle;
  c.timeout = timeout;
  return c;
}

TEST(WaitLoop, OpensOnTheFirstTickAfterReleasePlusSettle) {
  FakeClock clock;
  const Instant start = clock.now();
  // Memory comes back 2.35 s after the start.
  FakeMemorySource mem(clock, 128 * kGiB, [start](Instant t) {
    return t - start >= milliseconds(2350) ? 80 * kGiB : 20 * kGiB;
  });
  Gate gate(cfg(70, seconds(1), seconds(300)), clock.now());
  Recorder rec;
  auto out = run_gate(gate, mem, nullptr, clock, milliseconds(100), rec);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->verdict.state, GateState::kOpen);
  // First good tick at 2.4 s, open at 3.4 s: at most one interval late.
  EXPECT_EQ(out->verdict.elapsed, milliseconds(3400));
  EXPECT_EQ(out->samples, 35);
  EXPECT_EQ(out->pool.available, 80 * kGiB);
}

// A target above what the pool can ever hold (a 900 MiB pool, --free 2G) is said at the first
// sample, with both figures, instead of waiting out the timeout.
TEST(WaitLoop, AnImpossibleTargetEndsAtTheFirstSample) {
  FakeClock clock;
  FakeMemorySource mem(clock, 900 * kMiB, [](Instant) { return 800 * kMiB; });
  Gate gate(cfg(2, seconds(1), seconds(300)), clock.now());
  Recorder rec;
  const Instant began = clock.now();
  auto out = run_gate(gate, mem, nullptr, clock, milliseconds(100), rec);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->impossible, "the target 2.00 GiB can never be met: the pool is 900 MiB in all");
  EXPECT_EQ(out->samples, 1);
  EXPECT_EQ(clock.now(), began) << "no waiting";
  GateConfig pct = cfg(0, seconds(1), seconds(300));
  pct.target = SizeSpec::of_percent(100);
  EXPECT_EQ(impossible_target(pct, 900 * kMiB), "") << "100 % of the pool is possible";
  EXPECT_EQ(impossible_target(cfg(1, seconds(1), seconds(1)), kGiB), "") << "exactly all of it";
}

TEST(WaitLoop, TimesOutOnTimeEvenWithALongInterval) {
  FakeClock clock;
  FakeMemorySource mem(clock, 128 * kGiB, [](Instant) { return 10 * kGiB; });
  Gate gate(cfg(70, seconds(1), milliseconds(2500)), clock.now());
  Recorder rec;
  auto out = run_gate(gate, mem, nullptr, clock, seconds(1), rec);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->verdict.state, GateState::kTimedOut);
  EXPECT_EQ(out->verdict.elapsed, milliseconds(2500)) << "the sleep is cut at the deadline";
  EXPECT_EQ(out->verdict.shortfall, 60 * kGiB);
}

TEST(WaitLoop, WaitsForGoneThenMemory) {
  FakeClock clock;
  const Instant start = clock.now();
  FakeMemorySource mem(clock, 128 * kGiB, [](Instant) { return 100 * kGiB; });
  FakeGoneWatch gone([start](Instant t) { return t - start < seconds(5) ? 1 : 0; }, clock);
  Gate gate(cfg(70, Duration{0}, seconds(300)), clock.now());
  Recorder rec;
  auto out = run_gate(gate, mem, &gone, clock, milliseconds(100), rec);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->verdict.state, GateState::kOpen);
  EXPECT_EQ(out->verdict.elapsed, seconds(5));
  EXPECT_EQ(rec.states.front(), GateState::kWaiting);
  EXPECT_TRUE(out->pending_what.empty());
}

TEST(WaitLoop, ReportsWhatIsPendingAtTimeout) {
  FakeClock clock;
  FakeMemorySource mem(clock, 128 * kGiB, [](Instant) { return 100 * kGiB; });
  FakeGoneWatch gone([](Instant) { return 1; }, clock);
  Gate gate(cfg(70, Duration{0}, seconds(1)), clock.now());
  Recorder rec;
  auto out = run_gate(gate, mem, &gone, clock, milliseconds(100), rec);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->verdict.state, GateState::kTimedOut);
  EXPECT_EQ(out->verdict.blockers, kBlockGone);
  EXPECT_EQ(out->pending_what, "process 4242 (python3) is still running");
}

TEST(WaitLoop, ASourceErrorEndsTheWaitWithThatError) {
  FakeClock clock;
  FakeMemorySource mem(clock, 128 * kGiB, [](Instant) { return 10 * kGiB; });
  mem.fail_after = 3;
  Gate gate(cfg(70, seconds(1), seconds(300)), clock.now());
  Recorder rec;
  auto out = run_gate(gate, mem, nullptr, clock, milliseconds(100), rec);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message, "cgroup /pool was removed");
}

TEST(WaitLoop, CancellationStopsBetweenSamples) {
  FakeClock clock;
  FakeMemorySource mem(clock, 128 * kGiB, [](Instant) { return 10 * kGiB; });
  Gate gate(cfg(70, seconds(1), seconds(300)), clock.now());
  Recorder rec;
  rec.cancel_after = 4;
  auto out = run_gate(gate, mem, nullptr, clock, milliseconds(100), rec);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->cancelled);
  EXPECT_EQ(out->samples, 4);
}

TEST(WaitLoop, ASlowSampleDoesNotStretchThePeriod) {
  // Each read takes 30 ms of the 100 ms period: ticks stay on the 100 ms grid.
  FakeClock clock;
  const Instant start = clock.now();
  std::vector<Duration> seen;
  FakeMemorySource mem(clock, 128 * kGiB, [&](Instant t) {
    seen.push_back(t - start);
    clock.advance(milliseconds(30));
    return 10 * kGiB;
  });
  Gate gate(cfg(70, seconds(1), milliseconds(450)), clock.now());
  Recorder rec;
  ASSERT_TRUE(run_gate(gate, mem, nullptr, clock, milliseconds(100), rec).ok());
  ASSERT_GE(seen.size(), 4u);
  EXPECT_EQ(seen[1], milliseconds(100));
  EXPECT_EQ(seen[3], milliseconds(300));
}

TEST(WaitLoop, OpensTheMomentTheSettleWindowEndsNotATickLater) {
  // Samples land a little after each tick (wake-up latency). The window must not miss its end
  // by that jitter and wait a whole extra interval.
  FakeClock clock;
  const Instant start = clock.now();
  int reads = 0;
  FakeMemorySource mem(clock, 128 * kGiB, [&](Instant t) {
    clock.advance(std::chrono::microseconds(reads++ % 2 == 0 ? 700 : 100));  // uneven latency
    return t - start >= milliseconds(1130) ? 80 * kGiB : 20 * kGiB;
  });
  Gate gate(cfg(70, milliseconds(500), seconds(300)), clock.now());
  Recorder rec;
  auto out = run_gate(gate, mem, nullptr, clock, milliseconds(100), rec);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->verdict.state, GateState::kOpen);
  // First good sample 0.7 ms after the 1.2 s tick; open 500 ms after it, not at the 1.8 s tick.
  EXPECT_LT(out->verdict.elapsed, milliseconds(1710));
  EXPECT_GE(out->verdict.settled, milliseconds(500));
}

// The pool's other servers (a fake ledger): a loading server's untaken claim is not available,
// a start queued first holds this one back, and an opening the ledger refuses at the last moment
// is waited on.
class FakeShare : public PoolShare {
 public:
  explicit FakeShare(std::function<PoolStanding()> now) : now_(std::move(now)) {}
  Result<PoolStanding> standing() override { return now_(); }
  Result<bool> take(uint64_t available, uint64_t target) override {
    ++takes;
    if (refuse_takes > 0) {
      --refuse_takes;
      return false;
    }
    taken_with = available;
    taken_target = target;
    return true;
  }
  int takes = 0, refuse_takes = 0;
  uint64_t taken_with = 0, taken_target = 0;

 private:
  std::function<PoolStanding()> now_;
};

TEST(WaitLoop, ALoadingNeighboursClaimIsNotAvailable) {
  FakeClock clock;
  const Instant start = clock.now();
  // The pool shows 80 GiB throughout; a neighbour loading for 5 s has 40 GiB of its claim still
  // to take, so 40 GiB is really there until it is done.
  FakeMemorySource mem(clock, 128 * kGiB, [](Instant) { return 80 * kGiB; });
  FakeShare share([&] {
    const bool loading = clock.now() - start < seconds(5);
    return PoolStanding{loading ? 40 * kGiB : 0, false, loading ? "a is loading" : ""};
  });
  Gate gate(cfg(70, seconds(1), seconds(300)), clock.now());
  Recorder rec;
  auto out = run_gate(gate, mem, nullptr, clock, milliseconds(100), rec, &share);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->verdict.state, GateState::kOpen);
  EXPECT_EQ(out->verdict.elapsed, seconds(6));  // 5 s of the neighbour, 1 s to settle
  EXPECT_EQ(share.takes, 1);
  EXPECT_EQ(share.taken_with, 80 * kGiB);
  EXPECT_EQ(share.taken_target, 70 * kGiB);
  // Without the ledger the same pool opens at once: the double booking it prevents.
  Gate alone(cfg(70, seconds(1), seconds(300)), clock.now());
  auto naive = run_gate(alone, mem, nullptr, clock, milliseconds(100), rec);
  ASSERT_TRUE(naive.ok());
  EXPECT_EQ(naive->verdict.elapsed, seconds(1));
}

TEST(WaitLoop, AStartQueuedFirstGoesFirst) {
  FakeClock clock;
  const Instant start = clock.now();
  FakeMemorySource mem(clock, 128 * kGiB, [](Instant) { return 100 * kGiB; });
  FakeShare share([&] {
    const bool behind = clock.now() - start < seconds(3);
    return PoolStanding{0, behind, behind ? "queued behind b (pid 7)" : ""};
  });
  Gate gate(cfg(10, seconds(1), seconds(300)), clock.now());
  Recorder rec;
  auto out = run_gate(gate, mem, nullptr, clock, milliseconds(100), rec, &share);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->verdict.elapsed, seconds(4));
  EXPECT_EQ(rec.states.front(), GateState::kWaiting);
  EXPECT_EQ(blockers_string(kBlockQueue), "queue");
}

TEST(WaitLoop, AnOpeningTheLedgerRefusesIsWaitedOn) {
  FakeClock clock;
  FakeMemorySource mem(clock, 128 * kGiB, [](Instant) { return 100 * kGiB; });
  FakeShare share([] { return PoolStanding{}; });
  share.refuse_takes = 2;
  Gate gate(cfg(10, seconds(1), seconds(300)), clock.now());
  Recorder rec;
  auto out = run_gate(gate, mem, nullptr, clock, milliseconds(100), rec, &share);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->verdict.state, GateState::kOpen);
  EXPECT_EQ(share.takes, 3);
  // Each refusal restarts the settle window: open at 1 s, 2.1 s, then 3.2 s.
  EXPECT_EQ(out->verdict.elapsed, milliseconds(3200));
}

}  // namespace
}  // namespace headroom
