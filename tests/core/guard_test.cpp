// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The host guard's decision over samples, and the learned footprint's margin.
#include "core/guard.h"

#include <gtest/gtest.h>

#include "core/admission.h"

namespace headroom {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

PoolView pool(uint64_t available_mib, uint64_t total_gib = 128) {
  PoolView p;
  p.total = total_gib * kGiB;
  p.available = available_mib * kMiB;
  return p;
}

TEST(Guard, TripsOnlyOnceTheConditionHeldForTheWholeWindow) {
  GuardConfig c;
  c.available = SizeSpec::of_bytes(4 * kGiB);
  c.hold = seconds(5);
  Guard g(c);
  const Instant begin{};
  const PsiSample psi;
  EXPECT_FALSE(g.feed(begin, pool(2150), psi, 96 * kGiB));
  EXPECT_FALSE(g.feed(begin + seconds(4), pool(2150), psi, 96 * kGiB));
  // A sample above the guard starts the window again.
  EXPECT_FALSE(g.feed(begin + milliseconds(4500), pool(8000), psi, 96 * kGiB));
  EXPECT_FALSE(g.feed(begin + seconds(6), pool(2150), psi, 96 * kGiB));
  EXPECT_FALSE(g.feed(begin + milliseconds(10900), pool(2150), psi, 96 * kGiB));
  const auto why = g.feed(begin + seconds(11), pool(2150), psi, 96 * kGiB);
  ASSERT_TRUE(why);
  EXPECT_EQ(*why,
            "stopped by headroom: pool available 2.10 GiB < guard 4.00 GiB for 5.0s (server held "
            "96.0 GiB)");
}

TEST(Guard, PressureAndAPercentOfThePool) {
  GuardConfig c;
  c.available = SizeSpec::of_percent(5);  // 6.4 GiB of 128
  c.pressure = 30;
  c.hold = seconds(0);
  Guard g(c);
  PsiSample psi;
  psi.present = psi.has_full = true;
  psi.full.avg10 = 42;
  const auto p = g.feed(Instant{}, pool(10000), psi, 0);
  ASSERT_TRUE(p);
  EXPECT_EQ(*p,
            "stopped by headroom: memory pressure (PSI full avg10) 42.0% >= guard 30.0% for 0ms");
  psi.full.avg10 = 29.9;
  EXPECT_FALSE(g.feed(Instant{}, pool(10000), psi, 0));
  EXPECT_TRUE(g.feed(Instant{}, pool(6000), psi, 0)) << "6000 MiB < 5% of 128 GiB";
  // A kernel without PSI's "full" line: the pressure guard cannot fire on it.
  psi.has_full = false;
  psi.full.avg10 = 99;
  EXPECT_FALSE(g.feed(Instant{}, pool(10000), psi, 0));
}

TEST(Guard, TheDefaultIsFourGibOrFivePercent) {
  EXPECT_EQ(default_guard(128 * kGiB).available->resolve(128 * kGiB), 4 * kGiB);
  EXPECT_EQ(default_guard(8 * kGiB).available->resolve(8 * kGiB), 8 * kGiB / 20);  // a Jetson
  EXPECT_EQ(default_guard(8 * kGiB).hold, seconds(5));
  EXPECT_FALSE(GuardConfig{}.enabled());
}

TEST(LearnedTarget, ThePeakAndFivePercentAtLeast256Mib) {
  EXPECT_EQ(learned_target(96 * kGiB), 96 * kGiB + 96 * kGiB / 20);
  EXPECT_EQ(learned_target(300 * kMiB), 556 * kMiB);
}

}  // namespace
}  // namespace headroom
