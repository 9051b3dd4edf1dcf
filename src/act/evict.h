// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Giving page cache back. Two ways, both from FIELD.md section 1:
// - evict given files with posix_fadvise(POSIX_FADV_DONTNEED): no root needed, only those files;
// - NVIDIA's playbook command, as root: sync, then 3 > /proc/sys/vm/drop_caches.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "probe/fs.h"

namespace headroom {

struct EvictResult {
  std::string path;
  uint64_t before = 0;  // resident bytes before
  uint64_t after = 0;   // resident bytes after, measured again
};

// Evicts every regular file under `paths` (directories recursively). Dirty pages are written
// first (fdatasync) so that DONTNEED can drop them. Returns per-file residency before and after.
Result<std::vector<EvictResult>> evict_files(const std::vector<std::string>& paths);

// Whether drop_caches() can work here (root); the error says why not and what to do instead.
Status drop_caches_allowed();

// sync(); echo 3 > <root>/proc/sys/vm/drop_caches. Root only: the error says so and points at
// evict_files() as the way without root.
Status drop_caches(const Root& root);

}  // namespace headroom
