// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// How much of given files sits in the page cache, measured with mincore() the way vmtouch does.
// Model files cached after one load are the most common cause of "not enough memory" on GB10
// (FIELD.md section 1).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace headroom {

struct Residency {
  std::string path;
  uint64_t size = 0;            // bytes
  uint64_t pages = 0;           // ceil(size / page_size)
  uint64_t resident_pages = 0;  // pages in the page cache now
  uint64_t page_size = 0;

  uint64_t resident_bytes() const {
    const uint64_t b = resident_pages * page_size;
    return b < size ? b : size;
  }
};

// One regular file. Maps it in windows of 1 GiB, so a 90 GB checkpoint costs no address space
// beyond that and no reads: mincore() only looks at the page tables of the cache.
// Uses cachestat(2) where the kernel has it (6.5+: it walks only what is cached), mincore()
// otherwise; `force_mincore` for the tests that check the two agree.
Result<Residency> file_residency(const std::string& path, bool force_mincore = false);

// Files and directories (recursively, following symlinks as the Hugging Face cache uses them,
// each inode counted once). Errors name the path.
Result<std::vector<Residency>> residency_of(const std::vector<std::string>& paths);

// The files' bytes in all, and how many of them are in the page cache.
struct ResidencyTotal {
  uint64_t size = 0;
  uint64_t cached = 0;
};
ResidencyTotal total_residency(const std::vector<Residency>& files);

}  // namespace headroom
