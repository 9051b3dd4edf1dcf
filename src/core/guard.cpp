// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/guard.h"

#include <fmt/format.h>

#include <algorithm>

namespace headroom {

GuardConfig default_guard(uint64_t pool_total) {
  constexpr uint64_t kDefault = 4ull << 30;
  GuardConfig g;
  g.available = SizeSpec::of_bytes(std::min(kDefault, pool_total / 20));
  return g;
}

std::optional<std::string> Guard::feed(Instant t, const PoolView& pool, const PsiSample& psi,
                                       uint64_t held) {
  std::string why;
  if (c_.available) {
    const uint64_t floor = c_.available->resolve(pool.total);
    if (pool.available < floor) {
      why = fmt::format("pool available {} < guard {}", format_bytes(pool.available),
                        format_bytes(floor));
    }
  }
  if (why.empty() && c_.pressure && psi.present && psi.has_full && psi.full.avg10 >= *c_.pressure) {
    why = fmt::format("memory pressure (PSI full avg10) {:.1f}% >= guard {:.1f}%", psi.full.avg10,
                      *c_.pressure);
  }
  if (why.empty()) {
    since_.reset();
    return std::nullopt;
  }
  if (!since_) since_ = t;
  if (t - *since_ < c_.hold) return std::nullopt;
  return fmt::format("stopped by headroom: {} for {}{}", why, format_duration(c_.hold),
                     held > 0 ? fmt::format(" (server held {})", format_bytes(held)) : "");
}

}  // namespace headroom
