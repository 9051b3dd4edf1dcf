// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `status --need`: fits or not, by how much, and whether dropping caches would make up the rest.
#include "core/need.h"

#include <gtest/gtest.h>

#include "core/size.h"

namespace headroom {
namespace {

PoolView pool_with(uint64_t available_gib, uint64_t reclaimable_gib) {
  PoolView p;
  p.total = 128 * kGiB;
  p.available = available_gib * kGiB;
  p.reclaimable = reclaimable_gib * kGiB;
  return p;
}

TEST(Need, FitsWithWhatIsSpare) {
  const NeedCheck n = check_need(pool_with(100, 10), 70 * kGiB);
  EXPECT_TRUE(n.fits);
  EXPECT_EQ(n.spare, 30 * kGiB);
  EXPECT_EQ(n.short_by, 0u);
  EXPECT_FALSE(n.reclaimable_covers);
}

TEST(Need, ShortAndWhetherTheCacheWouldCoverIt) {
  const NeedCheck covered = check_need(pool_with(60, 40), 70 * kGiB);
  EXPECT_FALSE(covered.fits);
  EXPECT_EQ(covered.short_by, 10 * kGiB);
  EXPECT_TRUE(covered.reclaimable_covers);
  const NeedCheck not_covered = check_need(pool_with(60, 5), 70 * kGiB);
  EXPECT_FALSE(not_covered.fits);
  EXPECT_FALSE(not_covered.reclaimable_covers);
  // Exactly the need is a fit with nothing to spare.
  const NeedCheck exact = check_need(pool_with(70, 0), 70 * kGiB);
  EXPECT_TRUE(exact.fits);
  EXPECT_EQ(exact.spare, 0u);
}

}  // namespace
}  // namespace headroom
