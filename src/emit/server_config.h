// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// A server as `headroom run` would run it, for the writers that turn it into a systemd unit
// (emit/systemd_unit.h) or Kubernetes manifests (emit/kubernetes.h): run's options parsed (cli/
// parses them from the flags and reports a bad one), and run's flags as the user gave them, which
// the writers echo into the unit's ExecStart= and the ConfigMap's TOML.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/defaults.h"
#include "core/duration.h"
#include "core/restart_policy.h"
#include "core/size.h"
#include "core/url.h"

namespace headroom::emit {

// A parsed value and the text it was given as (or its default's): the writers compute with the
// value and write the text where the output names the option (`headroom wait --timeout 10m`).
template <typename T>
struct Spelled {
  T value{};
  std::string text;
};

// One of run's flags as given, echoed into the output.
struct GivenFlag {
  std::string flag;                  // "--free"
  std::optional<std::string> value;  // none for a switch
  bool gate = false;                 // the memory gate's (headroom wait takes it too)
};

// The memory gate's options (cli/gate_flags.h).
struct ServerGate {
  std::string free;                   // --free as given: "" none, "auto", "70G", "60%"
  std::optional<SizeSpec> free_size;  // --free where it is a size or a share (not auto)
  std::string max_pressure;           // as given, "" none
  Spelled<Duration> settle;
  Spelled<Duration> timeout;  // parsed as given: 0 is 0 here
  Spelled<Duration> interval;
  bool any() const { return !free.empty() || !max_pressure.empty(); }
};

struct ServerConfig {
  std::string name;                  // --name: the unit's, the Deployment's
  std::vector<std::string> command;  // the server's argv, or a docker run line
  std::vector<GivenFlag> flags;      // run's flags as given, in order (--name not among them)
  ServerGate gate;
  Spelled<Duration> startup_timeout;
  Duration stop_timeout{};
  std::optional<RestartMode> restart;  // nullopt: --restart is none of run's policies
  int burst = defaults::kBurst;
  Duration within{};
  Duration restart_delay{};
  std::optional<HttpUrl> health_url;  // --health where it is a URL (not auto, not given: none)
  bool events_given = false;          // --events given
};

}  // namespace headroom::emit
