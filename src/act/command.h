// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Running a helper command to completion (systemctl): argv exec'd directly, stdout and stderr
// captured, killed after a timeout.
#pragma once

#include <string>
#include <vector>

#include "core/duration.h"
#include "core/result.h"

namespace headroom {

struct CommandOutput {
  int exit_code = -1;  // -1 when killed by a signal or the timeout
  std::string out, err;
};

// An error only when it could not be started at all ("systemctl: No such file or directory").
// `env` ("K=V") is added to (or replaces in) this process's environment.
Result<CommandOutput> run_command(const std::vector<std::string>& argv, Duration timeout,
                                  const std::vector<std::string>& env = {});

// This process's environment with `extra` ("K=V") added or replacing.
std::vector<std::string> merged_environment(const std::vector<std::string>& extra);

}  // namespace headroom
