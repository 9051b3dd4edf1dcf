// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The gate over recorded sample series: what it answers at each tick.
#include "core/gate.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace headroom {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const Instant t0 = Instant{} + std::chrono::hours(1);

GateConfig config(uint64_t target_gib, Duration settle = seconds(1),
                  Duration timeout = seconds(10)) {
  GateConfig c;
  c.target = SizeSpec::of_bytes(target_gib * kGiB);
  c.settle = settle;
  c.timeout = timeout;
  return c;
}

GateInput at(int ms, double available_gib, int pending = 0) {
  GateInput in;
  in.now = t0 + milliseconds(ms);
  in.pool_total = 128 * kGiB;
  in.available = static_cast<uint64_t>(available_gib * static_cast<double>(kGiB));
  in.pending = pending;
  return in;
}

// Feeds a recorded series (ms, GiB) and returns the first tick at which the gate opened or timed
// out, with the verdict.
std::pair<int, GateVerdict> replay(Gate& gate, const std::vector<std::pair<int, double>>& series) {
  GateVerdict v;
  for (const auto& [ms, gib] : series) {
    v = gate.feed(at(ms, gib));
    if (v.state == GateState::kOpen || v.state == GateState::kTimedOut) return {ms, v};
  }
  return {-1, v};
}

// A lagged release after a kill, as on GB10: memory comes back in steps over ~3 s.
const std::vector<std::pair<int, double>> kLaggedRelease = {
    {0, 20},      {100, 20},  {200, 20},    {500, 35},  {1000, 52}, {1500, 61}, {2000, 68},
    {2500, 69.9}, {3000, 71}, {3100, 71.5}, {3500, 72}, {4000, 72}, {4100, 72}, {4200, 72},
};

TEST(Gate, OpensOneSettleWindowAfterTheThresholdIsCrossed) {
  Gate gate(config(70), t0);
  auto [ms, v] = replay(gate, kLaggedRelease);
  EXPECT_EQ(ms, 4000);  // crossed at 3000, held through 4000
  EXPECT_EQ(v.state, GateState::kOpen);
  EXPECT_EQ(v.settled, seconds(1));
  EXPECT_EQ(v.blockers, kBlockNone);
}

TEST(Gate, WithoutSettleItOpensOnTheFirstGoodSample) {
  Gate gate(config(70, Duration{0}), t0);
  auto [ms, v] = replay(gate, kLaggedRelease);
  EXPECT_EQ(ms, 3000);
  EXPECT_EQ(v.state, GateState::kOpen);
}

TEST(Gate, ReportsTheShortfallWhileWaiting) {
  Gate gate(config(70), t0);
  const GateVerdict v = gate.feed(at(0, 61.5));
  EXPECT_EQ(v.state, GateState::kWaiting);
  EXPECT_EQ(v.blockers, kBlockMemory);
  EXPECT_EQ(v.target, 70 * kGiB);
  EXPECT_EQ(v.shortfall, 70 * kGiB - static_cast<uint64_t>(61.5 * static_cast<double>(kGiB)));
}

TEST(Gate, ADipRestartsTheSettleWindow) {
  Gate gate(config(70), t0);
  const std::vector<std::pair<int, double>> series = {
      {0, 71},    {500, 71},  {900, 69},  // dip before the window completes
      {1000, 71}, {1500, 71}, {1900, 71}, {2000, 71}, {2100, 71},
  };
  std::vector<GateState> states;
  int opened_at = -1;
  for (const auto& [ms, gib] : series) {
    const GateVerdict v = gate.feed(at(ms, gib));
    states.push_back(v.state);
    if (v.state == GateState::kOpen) {
      opened_at = ms;
      break;
    }
  }
  EXPECT_EQ(states[0], GateState::kSettling);
  EXPECT_EQ(states[2], GateState::kWaiting);
  EXPECT_EQ(opened_at, 2000) << "a full second after the dip ended at 1000 ms";
}

TEST(Gate, TimesOutWithTheLastShortfall) {
  Gate gate(config(70, seconds(1), seconds(2)), t0);
  auto [ms, v] = replay(gate, {{0, 50}, {1000, 55}, {1999, 60}, {2000, 61}, {2100, 80}});
  EXPECT_EQ(ms, 2000);
  EXPECT_EQ(v.state, GateState::kTimedOut);
  EXPECT_EQ(v.blockers, kBlockMemory);
  EXPECT_EQ(v.shortfall, 9 * kGiB);
  // Final: later samples do not change the answer.
  EXPECT_EQ(gate.feed(at(3000, 100)).state, GateState::kTimedOut);
}

TEST(Gate, SettlingWhenTheTimeoutStrikesIsStillATimeout) {
  Gate gate(config(70, seconds(1), seconds(2)), t0);
  auto [ms, v] = replay(gate, {{0, 50}, {1500, 71}, {2000, 71}});
  EXPECT_EQ(v.state, GateState::kTimedOut);
  EXPECT_EQ(v.blockers, kBlockNone);
  EXPECT_EQ(v.settled, milliseconds(500));
}

TEST(Gate, OpenBeatsTimeoutAtTheSameInstant) {
  Gate gate(config(70, seconds(1), seconds(2)), t0);
  auto [ms, v] = replay(gate, {{0, 50}, {1000, 71}, {2000, 71}});
  EXPECT_EQ(v.state, GateState::kOpen);
}

TEST(Gate, NoTimeoutWaitsForever) {
  Gate gate(config(70, seconds(1), kForever), t0);
  EXPECT_EQ(gate.feed(at(1000 * 3600 * 24, 1)).state, GateState::kWaiting);
}

TEST(Gate, WaitsForTheOldInstanceToBeGoneEvenWhenMemoryIsThere) {
  Gate gate(config(70), t0);
  EXPECT_EQ(gate.feed(at(0, 100, 1)).blockers, kBlockGone);
  EXPECT_EQ(gate.feed(at(500, 100, 1)).state, GateState::kWaiting);
  EXPECT_EQ(gate.feed(at(600, 100, 0)).state, GateState::kSettling);
  EXPECT_EQ(gate.feed(at(1600, 100, 0)).state, GateState::kOpen);
}

TEST(Gate, GoneAloneNeedsNoTarget) {
  GateConfig c;
  c.settle = Duration{0};
  Gate gate(c, t0);
  EXPECT_EQ(gate.feed(at(0, 1, 2)).state, GateState::kWaiting);
  const GateVerdict v = gate.feed(at(100, 1, 0));
  EXPECT_EQ(v.state, GateState::kOpen);
  EXPECT_EQ(v.target, 0u);
}

TEST(Gate, PressureAboveTheMaximumBlocks) {
  GateConfig c = config(10);
  c.max_pressure = 5.0;
  Gate gate(c, t0);
  GateInput in = at(0, 100);
  in.pressure = 12.5;
  GateVerdict v = gate.feed(in);
  EXPECT_EQ(v.blockers, kBlockPressure);
  in = at(100, 5);
  in.pressure = 12.5;
  EXPECT_EQ(gate.feed(in).blockers, kBlockMemory | kBlockPressure);
  in = at(200, 100);
  in.pressure = 4.0;
  EXPECT_EQ(gate.feed(in).state, GateState::kSettling);
}

TEST(Gate, MissingPsiDoesNotBlock) {
  GateConfig c = config(10, Duration{0});
  c.max_pressure = 5.0;
  Gate gate(c, t0);
  EXPECT_EQ(gate.feed(at(0, 100)).state, GateState::kOpen);  // pressure nullopt
}

TEST(Gate, PercentTargetFollowsThePoolTotal) {
  GateConfig c;
  c.target = SizeSpec::of_percent(50);
  c.settle = Duration{0};
  Gate gate(c, t0);
  GateInput in = at(0, 60);
  in.pool_total = 128 * kGiB;
  EXPECT_EQ(gate.feed(in).target, 64 * kGiB);
  EXPECT_EQ(gate.feed(in).state, GateState::kWaiting);
}

TEST(Gate, BlockerNamesForLogs) {
  EXPECT_EQ(blockers_string(kBlockMemory | kBlockGone), "memory+gone");
  EXPECT_EQ(blockers_string(kBlockNone), "");
  EXPECT_STREQ(to_string(GateState::kTimedOut), "timeout");
}

}  // namespace
}  // namespace headroom
