// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `headroom plan`'s arithmetic for a server's own command line, for `run --free auto` before any
// footprint has been learned.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/common.h"
#include "core/result.h"

namespace headroom {

struct CommandPlan {
  uint64_t wait_free = 0;  // what `headroom plan -- CMD` gives as the gate's --free
  std::string read;        // what it read from the line ("vLLM: --model /m, 0.80")
};

// Plans the server CMD (engine, model and flags from its words, the pool under `cgroup`); an
// error when plan cannot (no model it can read here, an engine it does not know).
Result<CommandPlan> plan_for_command(const std::vector<std::string>& argv, const Globals& g,
                                     const std::string& cgroup);

}  // namespace headroom
