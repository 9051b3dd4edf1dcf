// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The memory gate's flags, shared by `wait`, `run` and `restart`: one definition of
// each flag, its default and its reason.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "core/defaults.h"
#include "core/gate.h"
#include "core/result.h"

namespace headroom {

struct GateFlags {
  std::string free;
  std::string settle = defaults::kSettle.text;
  std::string timeout = defaults::kGateTimeout.text;
  std::string interval = defaults::kInterval.text;
  std::string cgroup = "self";
  std::string max_pressure;
  std::vector<std::string> evict;
  bool drop_caches = false;
  bool no_gpu = false;
};

// Adds --free --settle --timeout --interval --cgroup --max-pressure --evict --drop-caches --no-gpu.
// `learned`: --free also takes 'auto' (headroom run: the footprint learned by the server's name).
void add_gate_flags(CLI::App* cmd, GateFlags& f, bool learned = false);

struct GateSettings {
  GateConfig config;
  Duration interval{};
};

// Parses the flags. `seed_target` and `seed_timeout` are wait's positional form (GiB, seconds).
Result<GateSettings> gate_settings(const GateFlags& f, const std::string& seed_target = {},
                                   const std::string& seed_timeout = {});

}  // namespace headroom
