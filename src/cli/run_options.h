// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `headroom run`'s options, shared with `headroom unit`, which writes a unit that runs
// `headroom run` with the same flags: one definition of each flag, its default and its reason.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli/gate_flags.h"

namespace headroom {

struct RunOptions {
  GateFlags gate;
  std::string restart = "on-failure";
  int burst = 3;
  std::string within = "10m";
  std::string restart_delay = "0";
  std::string stop_signal = "TERM";
  std::string stop_timeout = "30s";
  std::string health;
  std::string startup_timeout = "30m";
  std::string health_interval = "10s";
  std::string health_timeout = "5s";
  int health_failures = 3;
  int fit_deaths = 2;
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
  std::string guard_available, guard_pressure, guard_for = "5s";
  bool no_guard = false;
  std::string config;  // read by expand_config (cli/config_file.h) before parsing
  std::vector<std::string> command;
};

// Adds every `run` flag (the gate's too) to `cmd`, stored in `o`.
void add_run_flags(CLI::App* cmd, RunOptions& o);

}  // namespace headroom
