// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `status --need SIZE`: whether a size fits in the pool now, and by how much either way.
#pragma once

#include <cstdint>

#include "core/sample.h"

namespace headroom {

struct NeedCheck {
  uint64_t need = 0;
  bool fits = false;
  uint64_t spare = 0;               // available - need, when it fits
  uint64_t short_by = 0;            // need - available, when it does not
  bool reclaimable_covers = false;  // dropping caches could return what is short
};

NeedCheck check_need(const PoolView& pool, uint64_t need);

}  // namespace headroom
