// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// What every subcommand shares: global options, opening the pool, and rendering it.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>

#include "core/contract.h"
#include "core/sample.h"
#include "probe/fs.h"
#include "probe/memory_source.h"

namespace headroom {

struct Globals {
  std::string root = "/";  // --root: read /proc and /sys under this directory (fixture trees)
  // `run`, `unit` and `lint`: the words after `--`, verbatim. main splits them off before CLI11
  // parses, which would read "[1,2,4]" as a list and split it (SGLang and vLLM take such words).
  std::vector<std::string> after_dashes;
  Root fs_root() const { return Root(root == "/" ? std::string() : root); }
};

// A subcommand: its CLI11 node and what runs when it was chosen (returns the exit code).
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

// headroom's environment ("K=V"), which a plain command inherits (OLLAMA_HOST, LLAMA_ARG_*).
std::vector<std::string> own_environment();

Command add_status_command(CLI::App& parent, const Globals& globals);
Command add_wait_command(CLI::App& parent, const Globals& globals);
Command add_run_command(CLI::App& parent, const Globals& globals);
Command add_why_command(CLI::App& parent, const Globals& globals);
Command add_restart_command(CLI::App& parent, const Globals& globals);
Command add_plan_command(CLI::App& parent, const Globals& globals);
Command add_cache_command(CLI::App& parent, const Globals& globals);
Command add_unit_command(CLI::App& parent, const Globals& globals);
Command add_lint_command(CLI::App& parent, const Globals& globals);

// "system" or "cgroup /pool (v1)", for the one line that says what is being measured.
std::string pool_label(const SystemMemorySource& src, const PoolView& pool);

// The pool part of every JSON answer; field names are stable, bytes are integers.
nlohmann::ordered_json pool_json(const SystemMemorySource& src, const Sample& s,
                                 const PoolView& pool);

// CLI11 validators that use our parsers, so flags fail with our messages (exit 2).
CLI::Validator size_validator(bool allow_percent);
CLI::Validator duration_validator();

// The lint rule pages' directory for this binary (installed, or the source tree's docs/rules).
std::string find_rule_docs();

}  // namespace headroom
