// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The pool arithmetic: available = min(MemAvailable, limit - usage + inactive_file) per level.
#include <gtest/gtest.h>

#include "core/sample.h"
#include "core/size.h"

namespace headroom {
namespace {

Sample system(uint64_t total, uint64_t available) {
  Sample s;
  s.mem.total = total;
  s.mem.available = available;
  s.mem.free = available / 2;
  s.mem.buffers = kMiB;
  s.mem.cached = 40 * kGiB;
  s.mem.active_file = 15 * kGiB;
  s.mem.inactive_file = 24 * kGiB;
  s.mem.sreclaimable = kGiB;
  return s;
}

TEST(PoolView, WithoutACgroupThePoolIsTheSystem) {
  const PoolView p = pool_view(system(120 * kGiB, 54 * kGiB));
  EXPECT_EQ(p.total, 120 * kGiB);
  EXPECT_EQ(p.available, 54 * kGiB);
  EXPECT_EQ(p.page_cache, 40 * kGiB + kMiB);
  EXPECT_EQ(p.reclaimable, 40 * kGiB);
  EXPECT_FALSE(p.limited_by_cgroup);
}

TEST(PoolView, ACgroupLimitNarrowsThePool) {
  Sample s = system(120 * kGiB, 54 * kGiB);
  s.cgroup.version = 1;
  s.cgroup.depth = 1;
  s.cgroup.levels[0] = CgroupLevel{kGiB, 700 * kMiB, 20 * kMiB, 20 * kMiB, 0};
  const PoolView p = pool_view(s);
  EXPECT_TRUE(p.limited_by_cgroup);
  EXPECT_EQ(p.total, kGiB);
  EXPECT_EQ(p.available, kGiB - 700 * kMiB + 20 * kMiB);
  EXPECT_EQ(p.free, kGiB - 700 * kMiB);
  EXPECT_EQ(p.page_cache, 20 * kMiB);
}

TEST(PoolView, TheSystemStillBindsALooseCgroup) {
  Sample s = system(120 * kGiB, 10 * kGiB);
  s.cgroup.version = 2;
  s.cgroup.depth = 1;
  s.cgroup.levels[0] = CgroupLevel{100 * kGiB, 10 * kGiB, 0, 0, 0};
  EXPECT_EQ(pool_view(s).available, 10 * kGiB);
}

TEST(PoolView, AnAncestorsLimitBindsTheChild) {
  Sample s = system(120 * kGiB, 54 * kGiB);
  s.cgroup.version = 2;
  s.cgroup.depth = 2;
  s.cgroup.levels[0] = CgroupLevel{kUnlimited, 2 * kGiB, 0, 0, 0};          // own: no limit
  s.cgroup.levels[1] = CgroupLevel{8 * kGiB, 7 * kGiB, kGiB / 2, kGiB, 0};  // parent: 8 GiB
  const PoolView p = pool_view(s);
  EXPECT_EQ(p.available, kGiB + kGiB / 2);
  EXPECT_EQ(p.total, 8 * kGiB);
}

TEST(PoolView, UsageAboveTheLimitSaturatesAtZero) {
  Sample s = system(120 * kGiB, 54 * kGiB);
  s.cgroup.version = 1;
  s.cgroup.depth = 1;
  s.cgroup.levels[0] = CgroupLevel{kGiB, 2 * kGiB, 0, 0, 0};  // limit lowered below usage
  EXPECT_EQ(pool_view(s).available, 0u);
}

TEST(PoolView, InactiveFileNeverLiftsAvailableAboveTheLimit) {
  Sample s = system(120 * kGiB, 54 * kGiB);
  s.cgroup.version = 1;
  s.cgroup.depth = 1;
  s.cgroup.levels[0] = CgroupLevel{kGiB, kGiB, 3 * kGiB, 3 * kGiB, 0};  // stale stat
  EXPECT_EQ(pool_view(s).available, kGiB);
}

TEST(PoolView, ALimitAboveMemTotalIsNoLimit) {
  Sample s = system(120 * kGiB, 54 * kGiB);
  s.cgroup.version = 2;
  s.cgroup.depth = 1;
  s.cgroup.levels[0] = CgroupLevel{500 * kGiB, kGiB, 0, 0, 0};
  EXPECT_FALSE(pool_view(s).limited_by_cgroup);
  EXPECT_EQ(pool_view(s).total, 120 * kGiB);
}

}  // namespace
}  // namespace headroom
