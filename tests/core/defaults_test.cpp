// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The defaults are defined once (core/defaults.h): the flags start from `text`, the core from
// `value`. Each text must say its value, or --help and the behaviour would disagree.
#include "core/defaults.h"

#include <gtest/gtest.h>

#include "core/gate.h"
#include "core/restart_policy.h"
#include "core/restart_sequence.h"
#include "core/supervisor.h"

namespace headroom {
namespace {

TEST(Defaults, EachTextParsesToItsValue) {
  using namespace defaults;
  for (const DurationDefault& d :
       {kSettle, kGateTimeout, kInterval, kStopTimeout, kGoneTimeout, kStartupTimeout,
        kHealthInterval, kHealthTimeout, kWithin, kGuardFor}) {
    auto parsed = parse_duration(d.text);
    ASSERT_TRUE(parsed) << d.text;
    EXPECT_EQ(*parsed, d.value) << d.text;
  }
}

TEST(Defaults, TheCoresConfigurationsStartFromThem) {
  const RunConfig run;
  EXPECT_EQ(run.stop_timeout, defaults::kStopTimeout.value);
  EXPECT_EQ(run.startup_timeout, defaults::kStartupTimeout.value);
  EXPECT_EQ(run.gate.settle, defaults::kSettle.value);
  EXPECT_EQ(run.gate.timeout, defaults::kGateTimeout.value);
  EXPECT_EQ(run.restart.burst, defaults::kBurst);
  EXPECT_EQ(run.restart.within, defaults::kWithin.value);
  EXPECT_EQ(run.guard.hold, defaults::kGuardFor.value);
  const RestartOptions restart;
  EXPECT_EQ(restart.stop_timeout, run.stop_timeout);
  EXPECT_EQ(restart.health_timeout, run.startup_timeout);
}

}  // namespace
}  // namespace headroom
