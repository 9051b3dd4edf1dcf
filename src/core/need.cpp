// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/need.h"

namespace headroom {

NeedCheck check_need(const PoolView& pool, uint64_t need) {
  NeedCheck n;
  n.need = need;
  n.fits = pool.available >= need;
  if (n.fits) {
    n.spare = pool.available - need;
  } else {
    n.short_by = need - pool.available;
    n.reclaimable_covers = pool.reclaimable >= n.short_by;
  }
  return n;
}

}  // namespace headroom
