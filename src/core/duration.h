// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Durations: one parser and one formatter for every command, on the monotonic clock's units.
//
// Accepts systemd's spellings: "300" (seconds), "300s", "1.5s", "100ms", "5m", "5min", "1h",
// "1m30s", "1min 30s", "infinity". Signs and unknown units are errors.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/result.h"

namespace headroom {

using Duration = std::chrono::nanoseconds;
using Instant = std::chrono::steady_clock::time_point;

inline constexpr Duration kForever = Duration::max();

Result<Duration> parse_duration(std::string_view text);

// "1.2s", "350ms", "5m 0s", "2h 3m", "forever".
std::string format_duration(Duration d);

// Seconds as a double, for JSON and arithmetic on reports.
constexpr double to_seconds(Duration d) {
  return std::chrono::duration<double>(d).count();
}

constexpr Duration from_seconds(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

}  // namespace headroom
