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

}  // namespace headroom
