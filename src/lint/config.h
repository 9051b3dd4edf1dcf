// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// .headroom.toml: what a project tells the linter (searched upward from the linted file, then
// $XDG_CONFIG_HOME/headroom/headroom.toml):
//
//   ignore = ["HR105"]              # rules never reported
//   failure-threshold = "warning"   # info (default) | warning | error | none
//   target = "unified"              # unified (default) | discrete
//   unit-root = "/"                 # where HR201 reads the unit search path
//   [severity]
//   HR303 = "warning"               # info | warning | error | off
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "lint/finding.h"

namespace headroom::lint {

struct Threshold {
  bool never = false;  // "none": findings never fail the run
  Severity at = Severity::info;
};

struct Config {
  std::string path;  // where it came from; empty for the built-in defaults
  std::set<std::string, std::less<>> ignore;
  std::map<std::string, std::optional<Severity>, std::less<>> severity;  // nullopt: off
  std::optional<Threshold> threshold;
  std::optional<bool> unified;
  std::optional<std::string> unit_root;
};

struct ConfigLoad {
  Config config;
  std::optional<InputError> error;  // with the file's line
};

ConfigLoad parse_config(const std::string& path, std::string_view text);
std::optional<Threshold> parse_threshold(std::string_view s);

}  // namespace headroom::lint
