// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The systemd unit `headroom unit` writes: the server under `headroom run` (Type=notify, start
// limits in [Unit], timeouts from the gate and the startup timeout), or with `plain` the seed's
// style (ExecStartPre=headroom wait, systemd restarts), or the template headroom@.service. Every
// argument is quoted for systemd's command-line syntax (systemd.service(5)) and its specifiers
// and variables escaped (% -> %%, $ -> $$). Pure text: the caller finds the binaries, lints the
// unit and installs it (cli/unit.cpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/duration.h"
#include "core/result.h"
#include "emit/server_config.h"

namespace headroom::emit {

// One argument in systemd's syntax: bare when it is plainly safe, else double-quoted with C
// escapes; % and $ doubled in both cases (specifiers and variables are expanded in Exec lines).
std::string systemd_quote(std::string_view a);

// An Exec line, "KEY=words\n": the words quoted, continued over lines of at most ~100 columns.
std::string exec_line(std::string_view key, const std::vector<std::string>& argv);

// What every unit headroom writes shares, whichever its kind.
struct UnitHost {
  std::string headroom;       // the headroom binary the unit runs, absolute
  std::string documentation;  // Documentation='s value; "" for none
  std::string user;           // User=; "" for root
};

struct SystemdUnitInput {
  ServerConfig server;  // its command's argv[0] absolute (systemd wants one)
  UnitHost host;
  std::string description;  // Description=; "": NAME and how it runs
  bool plain = false;       // ExecStartPre=headroom wait, systemd restarts
};

// NAME.service. Errors: a docker run line that does not parse or has -d; with `plain`, a flag
// of run's that systemd has no counterpart for, or a --restart that is none of run's policies.
Result<std::string> systemd_unit(const SystemdUnitInput& in);

// headroom@.service: one server per instance, its options in /etc/headroom/INSTANCE.toml.
// Its timeouts are run's defaults (core/defaults.h), which the instances start with.
std::string template_unit(const UnitHost& host);

// The checksum line headroom writes as a unit's second line: FNV-1a (64 bits) of the rest of the
// text, so that --install can tell its own untouched output from a unit someone edited.
std::string checksum_of(std::string_view text);
// `unit` with that line after its first.
std::string with_checksum(const std::string& unit);
// True when `text` is headroom's output as written: its checksum line matches the rest.
bool untouched(const std::string& text);

}  // namespace headroom::emit
