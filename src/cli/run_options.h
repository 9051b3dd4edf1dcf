// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `headroom run`'s options, shared with `headroom unit`, which writes a unit that runs
// `headroom run` with the same flags: one definition of each flag, its default and its reason.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli/gate_flags.h"
#include "core/defaults.h"

namespace headroom {

struct RunOptions {
  GateFlags gate;
  std::string restart = "on-failure";
  int burst = defaults::kBurst;
  std::string within = defaults::kWithin.text;
  std::string restart_delay = "0";
  std::string stop_signal = "TERM";
  std::string stop_timeout = defaults::kStopTimeout.text;
  std::string health;
  std::string startup_timeout = defaults::kStartupTimeout.text;
  std::string health_interval = defaults::kHealthInterval.text;
  std::string health_timeout = defaults::kHealthTimeout.text;
  int health_failures = defaults::kHealthFailures;
  int fit_deaths = defaults::kFitDeaths;
  std::string evict_when;  // "start", "ready"; "": by the engine (core/engines Weights)
  std::string probe_post;
  std::string probe_body;  // "": the engine's own for the probe's path (core/engines)
  std::string metrics;
  std::string events;
  std::string name;
  bool no_lint = false;
  // The pool ledger (act/pool_ledger.h): what this server will hold once loaded (default: the
  // --free target), its place in the start queue, or none of it.
  std::string claim;
  int priority = 0;
  bool no_ledger = false;
  std::string guard_available, guard_pressure, guard_for = defaults::kGuardFor.text;
  bool no_guard = false;
  std::string config;  // read by expand_config (cli/config_file.h) before parsing
  std::vector<std::string> command;
};

// Adds every `run` flag (the gate's too) to `cmd`, stored in `o`.
void add_run_flags(CLI::App* cmd, RunOptions& o);

}  // namespace headroom
