// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Admission to a shared pool: the queue's order and what loading servers have promised.
#include "core/admission.h"

#include <gtest/gtest.h>

#include "core/size.h"

namespace headroom {
namespace {

LedgerEntry entry(const char* name, PoolPhase phase, uint64_t claim_gib, uint64_t held_gib,
                  uint64_t ticket, int priority = 0) {
  LedgerEntry e;
  e.name = name;
  e.pid = 100 + static_cast<int>(ticket);
  e.phase = phase;
  e.claim = claim_gib * kGiB;
  e.held = held_gib * kGiB;
  e.ticket = ticket;
  e.priority = priority;
  return e;
}

TEST(Admission, ALoadingServersUntakenClaimIsPromised) {
  // sglang-a claims 60 GiB and holds 19 so far: 41 GiB of what the pool shows is already its.
  const std::vector<LedgerEntry> others = {entry("sglang-a", PoolPhase::kLoading, 60, 19, 1),
                                           entry("embed", PoolPhase::kServing, 8, 8, 2)};
  const Admission a = admission(others, entry("vllm-b", PoolPhase::kWaiting, 40, 0, 3));
  EXPECT_EQ(a.promised, 41 * kGiB);
  EXPECT_FALSE(a.ahead.has_value());
  ASSERT_TRUE(a.loading.has_value());
  EXPECT_EQ(a.loading->name, "sglang-a");
  EXPECT_EQ(a.why, "sglang-a is loading: 41.0 GiB of its 60.0 GiB claim still to come");
}

TEST(Admission, ServingWaitingAndStoppingServersPromiseNothing) {
  // A serving one's memory is out of "available" already; a waiting one was let in to nothing;
  // a loading one past its claim has nothing more to take.
  const std::vector<LedgerEntry> others = {entry("a", PoolPhase::kServing, 60, 50, 1),
                                           entry("b", PoolPhase::kStopping, 30, 30, 2),
                                           entry("c", PoolPhase::kLoading, 10, 12, 3)};
  const Admission a = admission(others, entry("d", PoolPhase::kWaiting, 40, 0, 9));
  EXPECT_EQ(a.promised, 0u);
  EXPECT_FALSE(a.loading.has_value());
  EXPECT_EQ(a.why, "");
}

TEST(Admission, StartsAreFirstComeFirstServedWithinAPriority) {
  const LedgerEntry first = entry("first", PoolPhase::kWaiting, 40, 0, 4);
  const LedgerEntry second = entry("second", PoolPhase::kWaiting, 40, 0, 7);
  EXPECT_EQ(admission({first}, second).ahead->name, "first");
  EXPECT_FALSE(admission({second}, first).ahead.has_value());
  // A higher priority goes first whatever its ticket; the waiting line says so.
  const LedgerEntry urgent = entry("urgent", PoolPhase::kWaiting, 40, 0, 9, 5);
  const Admission a = admission({first, urgent}, second);
  ASSERT_TRUE(a.ahead.has_value());
  EXPECT_EQ(a.ahead->name, "urgent");
  EXPECT_EQ(a.why, "queued behind urgent (pid 109, priority 5)");
  EXPECT_FALSE(admission({first, second}, urgent).ahead.has_value());
  // Only waiting entries hold the queue: a loading one with an older ticket does not.
  EXPECT_FALSE(admission({entry("old", PoolPhase::kLoading, 1, 1, 1)}, second).ahead.has_value());
}

TEST(Admission, OwnEntryIsIgnored) {
  LedgerEntry me = entry("me", PoolPhase::kLoading, 50, 0, 3);
  EXPECT_EQ(admission({me}, me).promised, 0u);
}

TEST(Admission, PhasesByName) {
  for (PoolPhase p :
       {PoolPhase::kWaiting, PoolPhase::kLoading, PoolPhase::kServing, PoolPhase::kStopping}) {
    EXPECT_EQ(parse_pool_phase(pool_phase_name(p)), p);
  }
  EXPECT_FALSE(parse_pool_phase("running").has_value());
}

}  // namespace
}  // namespace headroom
