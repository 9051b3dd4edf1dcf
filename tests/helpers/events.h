// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Reading a `headroom run` event file and poking servers, for the integration tests.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "helpers/subprocess.h"

namespace headroom::test {

// GET http://127.0.0.1:port/path; the whole answer (status line first), "" on failure.
std::string http_get(int port, const std::string& path);

std::vector<nlohmann::json> read_events(const std::string& path);

// Polls the event file until `pred` holds for some event; returns it (null after `timeout`, a
// guard against a hang).
nlohmann::json wait_event(const std::string& path,
                          const std::function<bool(const nlohmann::json&)>& pred,
                          std::chrono::milliseconds timeout = kPatience);

// A predicate for wait_event: the event named `event` (of start `attempt`, when not 0: "ready"
// carries no attempt, so match attempts through "started").
std::function<bool(const nlohmann::json&)> event_is(std::string event, int attempt = 0);

// The nth (from 1) event named `event`.
nlohmann::json wait_nth(const std::string& path, const std::string& event, int nth = 1,
                        std::chrono::milliseconds timeout = kPatience);

// What headroom-lagdriver reported of one release (src/sim/lag_driver.cpp): CLOCK_MONOTONIC
// seconds, each step stamped before its pages were freed.
struct Release {
  int pid = 0;
  double died = 0, freed = 0, drawn = 0;
  struct Step {
    double at = 0;
    uint64_t held_mib = 0;  // what the dead server still held after this step
  };
  std::vector<Step> steps;
};
// Reads the driver's lines up to its next "released" line; nullopt on EOF or after `timeout`.
std::optional<Release> read_release(Child& driver, std::chrono::milliseconds timeout = kPatience);

}  // namespace headroom::test
