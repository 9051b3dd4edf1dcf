// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The restart sequence through a fake target on a fake clock.
#include "core/restart_sequence.h"

#include <gtest/gtest.h>

#include "core/fakes.h"
#include "core/size.h"

namespace headroom {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using test::FakeClock;
using test::FakeMemorySource;

class FakeTarget : public RestartTarget {
 public:
  explicit FakeTarget(FakeClock& c) : clock_(c) {}
  std::string describe() const override { return "fake"; }
  Status check() override { return refuse.empty() ? Status{} : make_error(refuse); }
  Result<std::string> stop(Duration) override {
    stopped_at = clock_.now();
    calls.push_back("stop");
    return std::string("stopped");
  }
  Result<Pending> pending() override {
    if (clock_.now() - stopped_at < gone_after) return Pending{1, "still there"};
    return Pending{};
  }
  Result<std::string> start() override {
    started_at = clock_.now();
    calls.push_back("start");
    return std::string("started");
  }
  Result<Health> healthy() override {
    if (exits) return make_error("it exited (code 1)");
    return Health{clock_.now() - started_at >= healthy_after, "health"};
  }
  bool gates_itself() const override { return self_gating; }

  FakeClock& clock_;
  std::string refuse;
  Duration gone_after = seconds(2), healthy_after = seconds(5);
  bool exits = false, self_gating = false;
  Instant stopped_at{}, started_at{};
  std::vector<std::string> calls;
};

RestartOptions options() {
  RestartOptions o;
  o.gate.target = SizeSpec::of_bytes(70 * kGiB);
  o.gate.settle = seconds(1);
  o.gate.timeout = seconds(60);
  return o;
}

TEST(RestartSequence, StopGoneGateStartHealthyInOrder) {
  FakeClock clock;
  const Instant t0 = clock.now();
  FakeTarget t(clock);
  // Memory comes back 6 s after the start of the sequence.
  FakeMemorySource mem(clock, 128 * kGiB, [t0](Instant now) {
    return now - t0 >= seconds(6) ? 80 * kGiB : 10 * kGiB;
  });
  std::vector<std::string> seen;
  const RestartReport r =
      run_restart(t, mem, clock, options(), [&](const RestartStep& s) { seen.push_back(s.name); });
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(seen, (std::vector<std::string>{"stop", "gone", "gate", "start", "healthy"}));
  EXPECT_EQ(r.steps[1].took, seconds(2));
  EXPECT_GE(t.started_at - t0, seconds(7)) << "memory at 6 s, then the settle window";
  EXPECT_LE(t.started_at - t0, milliseconds(7100));
  EXPECT_EQ(r.steps[4].took, seconds(5));
}

TEST(RestartSequence, ARefusalStopsBeforeAnythingHappens) {
  FakeClock clock;
  FakeTarget t(clock);
  t.refuse = "container x was started with `docker run --rm`";
  FakeMemorySource mem(clock, 128 * kGiB, [](Instant) { return 100 * kGiB; });
  const RestartReport r = run_restart(t, mem, clock, options(), nullptr);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(t.calls.empty()) << "not stopped";
}

TEST(RestartSequence, GateTimeoutAndHealthFailureAreExitOne) {
  FakeClock clock;
  FakeTarget t(clock);
  FakeMemorySource low(clock, 128 * kGiB, [](Instant) { return 10 * kGiB; });
  RestartReport r = run_restart(t, low, clock, options(), nullptr);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.steps.back().name, "gate");
  EXPECT_EQ(t.calls, std::vector<std::string>{"stop"}) << "never started into a full pool";

  FakeTarget dies(clock);
  dies.exits = true;
  FakeMemorySource plenty(clock, 128 * kGiB, [](Instant) { return 100 * kGiB; });
  r = run_restart(dies, plenty, clock, options(), nullptr);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.steps.back().detail, "it exited (code 1)");
}

TEST(RestartSequence, ASelfGatingTargetSkipsTheGateAndTheStart) {
  FakeClock clock;
  FakeTarget t(clock);
  t.self_gating = true;
  t.healthy_after = seconds(0);
  FakeMemorySource low(clock, 128 * kGiB, [](Instant) { return 1 * kGiB; });
  std::vector<std::string> seen;
  const RestartReport r =
      run_restart(t, low, clock, options(), [&](const RestartStep& s) { seen.push_back(s.name); });
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(seen, (std::vector<std::string>{"restart", "healthy"}));
  EXPECT_EQ(restart_plan(t, options()).size(), 2u);
}

}  // namespace
}  // namespace headroom
