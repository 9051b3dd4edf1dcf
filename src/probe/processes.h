// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The process table, read from /proc: children and descendants of a process, for `run` (its
// server's workers, orphans reparented to headroom) and `wait --gone`.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "probe/fs.h"
#include "probe/parsers.h"

namespace headroom {

// Every process now (entries that vanish while reading are skipped). Zombies included, marked.
Result<std::vector<ProcStat>> scan_processes(const Root& root);

// The processes whose parent chain leads to `ancestor` (not `ancestor` itself), zombies excluded.
std::vector<ProcStat> descendants_of(const std::vector<ProcStat>& table, int ancestor);

// What the descendants of `ancestor` hold resident (the sum of /proc/PID/statm's resident pages;
// pages two of them share are counted twice): what a server that headroom started has taken so
// far. 0 when it has none, or they cannot be read.
uint64_t descendants_resident(const Root& root, int ancestor);
// PID's own resident memory (0 when it is gone).
uint64_t process_resident(const Root& root, int pid);

// The processes that map the file `path` (its device and inode in /proc/PID/maps): why its page
// cache cannot be evicted -- a mapped page stays resident whatever posix_fadvise says. Processes
// whose maps cannot be read (another user's, without root) are not seen.
struct Mapper {
  int pid = 0;
  std::string comm;
};
std::vector<Mapper> processes_mapping(const Root& root, const std::string& path);

}  // namespace headroom
