// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// One Sample type for every command: what the probes read in one pass, plus the pool arithmetic
// that turns it into "what is really available". Plain data; no I/O.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>

#include "core/duration.h"
#include "core/result.h"

namespace headroom {

inline constexpr uint64_t kUnlimited = std::numeric_limits<uint64_t>::max();

// The /proc/meminfo fields headroom reasons about, in bytes. Every other field is still read by
// `status --json` through the generic parser.
struct MemInfo {
  uint64_t total = 0;          // MemTotal
  uint64_t free = 0;           // MemFree
  uint64_t available = 0;      // MemAvailable (or the kernel's formula, see below)
  uint64_t buffers = 0;        // Buffers
  uint64_t cached = 0;         // Cached (page cache, shmem/tmpfs included)
  uint64_t swap_cached = 0;    // SwapCached
  uint64_t active_file = 0;    // Active(file)
  uint64_t inactive_file = 0;  // Inactive(file)
  uint64_t shmem = 0;          // Shmem
  uint64_t sreclaimable = 0;   // SReclaimable
  uint64_t dirty = 0;          // Dirty
  uint64_t writeback = 0;      // Writeback
  uint64_t mapped = 0;         // Mapped
  uint64_t anon = 0;           // AnonPages
  uint64_t swap_total = 0;     // SwapTotal
  uint64_t swap_free = 0;      // SwapFree
  uint64_t unevictable = 0;    // Unevictable
  // MemAvailable exists since Linux 3.14. Without it, available is estimated as
  // MemFree + Active(file) + Inactive(file) + SReclaimable and this flag says so.
  bool available_estimated = false;
};

// One level of a memory cgroup: the pool's own cgroup, or an ancestor whose limit applies too.
struct CgroupLevel {
  uint64_t limit = kUnlimited;  // memory.max / memory.limit_in_bytes
  uint64_t usage = 0;           // memory.current / memory.usage_in_bytes
  uint64_t inactive_file = 0;   // memory.stat inactive_file / total_inactive_file
  uint64_t file = 0;            // memory.stat file / total_cache: page cache charged here
  uint64_t active_file = 0;     // memory.stat active_file / total_active_file
};

struct CgroupSample {
  int version = 0;  // 1 or 2; 0 = the pool is the whole system
  static constexpr size_t kMaxLevels = 8;
  std::array<CgroupLevel, kMaxLevels> levels{};  // [0] is the pool's cgroup
  size_t depth = 0;                              // how many levels are filled
  uint64_t oom_kills = 0;                        // memory.events / memory.oom_control oom_kill
  bool has_oom_kills = false;                    // absent before Linux 4.13 (v1)
};

// /proc/pressure/memory: share of wall time in which some / all tasks stalled on memory.
struct PsiLine {
  double avg10 = 0, avg60 = 0, avg300 = 0;
  uint64_t total_us = 0;
};

struct PsiSample {
  bool present = false;
  bool has_full = false;
  PsiLine some, full;
};

struct Sample {
  Instant time{};
  MemInfo mem;
  CgroupSample cgroup;
  PsiSample psi;
};

// What the pool has, derived from a Sample: the numbers every command shows and gates on.
struct PoolView {
  uint64_t total = 0;        // MemTotal, or the tightest cgroup limit below it
  uint64_t available = 0;    // min(MemAvailable, limit - usage + inactive_file) over the levels
  uint64_t free = 0;         // MemFree, or limit - usage
  uint64_t page_cache = 0;   // Buffers + Cached, or the cgroup's file pages
  uint64_t reclaimable = 0;  // file pages + reclaimable slab: what dropping caches could return
  bool limited_by_cgroup = false;
};

PoolView pool_view(const Sample& s);

}  // namespace headroom
