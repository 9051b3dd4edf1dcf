// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The whole command line in one tree: every subcommand's CLI11 node and what it runs. main()
// parses argv with it; the man pages and the shell completions are generated from it
// (cli/docs.h), so --help, the man pages and the completions never drift apart.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "cli/common.h"

namespace headroom {

struct Cli {
  CLI::App app;
  Globals globals;
  std::vector<Command> commands;
  Cli();
};

// The tree, built once; its addresses are stable (the commands keep pointers into it).
std::unique_ptr<Cli> make_cli();

}  // namespace headroom
