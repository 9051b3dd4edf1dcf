// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Parsers for the kernel's memory files. Pure functions over text: no I/O, no exceptions, no
// allocation on the success path of the sampling ones. Errors name the line and the problem; the
// caller adds the file name. Fuzzed by fuzz/fuzz_parsers.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/kernel_log.h"
#include "core/result.h"
#include "core/sample.h"

namespace headroom {

// ---- /proc/meminfo -------------------------------------------------------------------------
// "MemTotal:       16311120 kB". Values with "kB" are converted to bytes; the few without a
// unit (HugePages_Total, HugePages_Free, ...) are counts and kept as they are.

struct MeminfoField {
  std::string name;
  uint64_t value = 0;  // bytes, or a count when is_count
  bool is_count = false;
};

// Fills the fields headroom reasons about. MemTotal must be present; MemAvailable is estimated
// when missing (kernels before 3.14) and `available_estimated` says so. Fills the caller's
// struct, reused each sample: no allocation per sample (docs/architecture.md).
Status parse_meminfo(std::string_view text, MemInfo& out);

// Every field, in file order (for `status --json`).
Result<std::vector<MeminfoField>> parse_meminfo_fields(std::string_view text);

// ---- cgroup files --------------------------------------------------------------------------

// memory.max (v2: a number or "max") and memory.limit_in_bytes (v1: a number; values near
// LONG_MAX mean unlimited). Returns kUnlimited for no limit.
Result<uint64_t> parse_cgroup_limit(std::string_view text);

// memory.current / memory.usage_in_bytes: one number.
Result<uint64_t> parse_cgroup_value(std::string_view text);

// "key value" per line (memory.stat, memory.events, memory.oom_control). Looks up `keys` and
// writes each found value to the matching `out` slot; `found` gets a bit per key found.
// Lines that are not "key number" are errors; unknown keys are skipped.
Status parse_flat_keyed(std::string_view text, const std::string_view* keys, uint64_t* out,
                        size_t n, unsigned* found);

// ---- /proc/pressure/memory -----------------------------------------------------------------
// "some avg10=0.00 avg60=0.00 avg300=0.00 total=0" and the same for "full". Fills the caller's
// struct, reused each sample (no allocation per sample).
Status parse_psi(std::string_view text, PsiSample& out);

// ---- /proc/self/mounts and /proc/self/cgroup ------------------------------------------------

struct MountEntry {
  std::string source, target, fstype, options;
};
// One entry per line; octal escapes (\040) decoded.
Result<std::vector<MountEntry>> parse_mounts(std::string_view text);

struct ProcCgroupEntry {
  std::string hierarchy_id;
  std::string controllers;  // "memory", "cpu,cpuacct", or "" for v2
  std::string path;
};
Result<std::vector<ProcCgroupEntry>> parse_proc_cgroup(std::string_view text);

// ---- /dev/kmsg ----------------------------------------------------------------------------
// One record per read: "6,1234,5678901,-;message\n" followed by optional dictionary lines that
// start with a space. The level is the low 3 bits of the first field.
Result<KernelRecord> parse_kmsg_record(std::string_view text);

// ---- /proc/PID/stat -------------------------------------------------------------------------
// "4242 (python3) S 1 4242 4242 ...": the name may hold spaces and ')'.
struct ProcStat {
  int pid = 0;
  std::string comm;
  char state = '?';
  int ppid = 0;
  int pgid = 0;
  uint64_t start_ticks = 0;  // field 22, clock ticks after boot; 0 where the line stops early
};
Result<ProcStat> parse_proc_stat(std::string_view text);

}  // namespace headroom
