// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Man pages (roff, man(7) macros) and shell completions (bash, zsh, fish), generated from the
// CLI11 tree that parses the command line: one source for --help, the pages and the completions.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace headroom {

// headroom(1) for the root, headroom-SUB(1) for a subcommand.
std::string man_page(const CLI::App& root, const CLI::App* sub);

// The completion script for "bash", "zsh" or "fish"; nullopt for another shell.
std::optional<std::string> completion_script(const CLI::App& root, std::string_view shell);

// The subcommands a user sees (the hidden ones have an empty group).
std::vector<const CLI::App*> visible_subcommands(const CLI::App& root);

}  // namespace headroom
