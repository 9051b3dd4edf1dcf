// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/admission.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/size.h"

namespace headroom {

std::string_view pool_phase_name(PoolPhase p) {
  switch (p) {
    case PoolPhase::kWaiting:
      return "waiting";
    case PoolPhase::kLoading:
      return "loading";
    case PoolPhase::kServing:
      return "serving";
    case PoolPhase::kStopping:
      return "stopping";
  }
  return "waiting";
}

std::optional<PoolPhase> parse_pool_phase(std::string_view s) {
  for (PoolPhase p :
       {PoolPhase::kWaiting, PoolPhase::kLoading, PoolPhase::kServing, PoolPhase::kStopping}) {
    if (s == pool_phase_name(p)) return p;
  }
  return std::nullopt;
}

uint64_t still_to_take(const LedgerEntry& e) {
  if (e.phase != PoolPhase::kLoading) return 0;
  return e.claim > e.held ? e.claim - e.held : 0;
}

uint64_t learned_target(uint64_t peak) {
  constexpr uint64_t kMinMargin = 256ull << 20;
  return peak + std::max(peak / 20, kMinMargin);
}

bool queued_before(const LedgerEntry& a, const LedgerEntry& b) {
  if (a.priority != b.priority) return a.priority > b.priority;
  if (a.ticket != b.ticket) return a.ticket < b.ticket;
  return a.name < b.name;  // equal tickets only from a hand-edited ledger: still a total order
}

Admission admission(const std::vector<LedgerEntry>& others, const LedgerEntry& me) {
  Admission a;
  for (const LedgerEntry& e : others) {
    if (e.name == me.name) continue;
    a.promised += still_to_take(e);
    if (e.phase == PoolPhase::kWaiting && queued_before(e, me) &&
        (!a.ahead || queued_before(e, *a.ahead))) {
      a.ahead = e;
    }
    if (still_to_take(e) > 0 && (!a.loading || still_to_take(e) > still_to_take(*a.loading))) {
      a.loading = e;
    }
  }
  if (a.ahead) {
    a.why = fmt::format("queued behind {} (pid {}{})", a.ahead->name, a.ahead->pid,
                        a.ahead->priority != me.priority
                            ? fmt::format(", priority {}", a.ahead->priority)
                            : std::string());
  } else if (a.loading) {
    a.why = fmt::format("{} is loading: {} of its {} claim still to come", a.loading->name,
                        format_bytes(still_to_take(*a.loading)), format_bytes(a.loading->claim));
  }
  return a;
}

}  // namespace headroom
