// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `--config FILE` for `headroom run` (and `headroom unit`, which passes run's options on): run's
// options in TOML, one key a long flag without its dashes (`free = "70G"`, `no-lint = true`,
// `evict = ["/models/x"]`, `command = ["docker", "run", …]`). The template unit headroom@.service
// runs `headroom run --config /etc/headroom/%i.toml`. Flags on the command line win over the file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace headroom {

// `args` are the subcommand's words (after "run"/"unit"). Where they hold --config FILE (before a
// `--`), returns them with the file's options put in as flags and --config FILE taken out; else
// returns them unchanged. Errors name the file, line and column: a TOML error, an unknown key, a
// value of the wrong type or one the flag refuses.
Result<std::vector<std::string>> expand_config(std::vector<std::string> args);

// The file's part: `text` read from `path` (named in errors) into flags, and its command where
// `command_given` is false. `given` holds the flags the command line sets itself (they win, so
// they are left out). Fuzzed (fuzz/fuzz_run_config.cpp).
struct ConfigFlags {
  std::vector<std::string> flags;
  std::vector<std::string> command;
};
Result<ConfigFlags> config_flags(const std::string& path, std::string_view text,
                                 const std::vector<std::string>& given, bool command_given);

}  // namespace headroom
