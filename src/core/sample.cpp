// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/sample.h"

#include <algorithm>

namespace headroom {
namespace {

uint64_t sat_sub(uint64_t a, uint64_t b) {
  return a > b ? a - b : 0;
}

uint64_t sat_add(uint64_t a, uint64_t b) {
  uint64_t r = 0;
  return __builtin_add_overflow(a, b, &r) ? kUnlimited : r;
}

}  // namespace

PoolView pool_view(const Sample& s) {
  PoolView v;
  v.total = s.mem.total;
  v.available = s.mem.available;
  v.free = s.mem.free;
  v.page_cache = s.mem.buffers + s.mem.cached;
  v.reclaimable = s.mem.active_file + s.mem.inactive_file + s.mem.sreclaimable;

  if (s.cgroup.version == 0 || s.cgroup.depth == 0) return v;

  // A cgroup's headroom is limit - usage, plus the inactive file pages the kernel reclaims before
  // it OOM-kills (the same credit cAdvisor's working set and Kubernetes' eviction give).
  for (size_t i = 0; i < s.cgroup.depth; ++i) {
    const CgroupLevel& l = s.cgroup.levels[i];
    if (l.limit == kUnlimited || l.limit >= s.mem.total) continue;
    const uint64_t avail = std::min(l.limit, sat_add(sat_sub(l.limit, l.usage), l.inactive_file));
    v.available = std::min(v.available, avail);
    v.total = std::min(v.total, l.limit);
    v.free = std::min(v.free, sat_sub(l.limit, l.usage));
    v.limited_by_cgroup = true;
  }
  // The pool's own cgroup tells what page cache is charged to it.
  const CgroupLevel& own = s.cgroup.levels[0];
  if (v.limited_by_cgroup) {
    v.page_cache = own.file;
    v.reclaimable = own.active_file + own.inactive_file;
  }
  return v;
}

}  // namespace headroom
