// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `headroom plan`'s arithmetic for a server's own command line (plan/request.h), on this
// machine's pool, for `run --free auto` before any footprint has been learned.
#pragma once

#include <string>
#include <vector>

#include "cli/common.h"
#include "core/result.h"
#include "plan/request.h"

namespace headroom {

using plan::CommandPlan;

// Plans the server CMD (engine, model and flags from its words, the pool under `cgroup`); an
// error when plan cannot (no model it can read here, an engine it does not know).
Result<CommandPlan> plan_for_command(const std::vector<std::string>& argv, const Globals& g,
                                     const std::string& cgroup);

}  // namespace headroom
