// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/duration.h"

#include <fmt/format.h>

#include <array>
#include <cmath>

#include "core/text.h"

namespace headroom {
namespace {

struct Unit {
  std::string_view name;
  double seconds;
};

constexpr std::array<Unit, 19> kUnits{{
    {"ns", 1e-9},   {"nsec", 1e-9},   {"us", 1e-6},      {"usec", 1e-6},    {"ms", 1e-3},
    {"msec", 1e-3}, {"s", 1.0},       {"sec", 1.0},      {"second", 1.0},   {"seconds", 1.0},
    {"m", 60.0},    {"min", 60.0},    {"minute", 60.0},  {"minutes", 60.0}, {"h", 3600.0},
    {"hr", 3600.0}, {"hour", 3600.0}, {"hours", 3600.0}, {"d", 86400.0},
}};

// Anything longer is a typo, not a wait: 100 years.
constexpr double kMaxSeconds = 100.0 * 365 * 86400;

}  // namespace

Result<Duration> parse_duration(std::string_view text) {
  std::string_view t = trim(text);
  if (t.empty()) return make_error("empty duration");
  if (iequals(t, "infinity") || iequals(t, "forever")) return kForever;
  if (t.front() == '-') return make_error(fmt::format("duration \"{}\" is negative", text));

  double total = 0.0;
  bool first = true;
  while (!t.empty()) {
    size_t end = 0;
    while (end < t.size() && (is_digit(t[end]) || t[end] == '.'))
      ++end;
    auto number = parse_decimal(t.substr(0, end));
    if (!number) {
      return make_error(
          fmt::format("duration \"{}\" is not a number of seconds or a number with "
                      "a unit (ms, s, m, h)",
                      text));
    }
    t = trim(t.substr(end));  // "5 min" is "5min", as systemd reads it
    size_t uend = 0;
    while (uend < t.size() && !is_digit(t[uend]) && !is_space(t[uend]))
      ++uend;
    const std::string_view unit = t.substr(0, uend);
    t = trim(t.substr(uend));
    double scale = 0.0;
    if (unit.empty()) {
      if (!first || !t.empty()) {
        return make_error(fmt::format("duration \"{}\": a unit is missing", text));
      }
      scale = 1.0;  // a bare number is seconds, as in systemd and the seed script
    } else {
      for (const Unit& u : kUnits) {
        if (iequals(unit, u.name)) {
          scale = u.seconds;
          break;
        }
      }
      if (scale == 0.0) {
        return make_error(
            fmt::format("duration \"{}\": unknown unit \"{}\" (use ms, s, m, h or d)", text, unit));
      }
    }
    total += *number * scale;
    first = false;
  }
  if (total > kMaxSeconds) return make_error(fmt::format("duration \"{}\" is too long", text));
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(total));
}

std::string format_duration(Duration d) {
  if (d == kForever) return "forever";
  const bool neg = d.count() < 0;
  if (neg) d = -d;
  const double s = to_seconds(d);
  std::string out;
  if (s < 1.0) {
    out = fmt::format("{}ms", static_cast<long long>(std::llround(s * 1000.0)));
  } else if (s < 60.0) {
    out = fmt::format("{:.1f}s", s);
  } else if (s < 3600.0) {
    const auto total = static_cast<long long>(std::llround(s));
    out = fmt::format("{}m {}s", total / 60, total % 60);
  } else {
    const auto total = static_cast<long long>(std::llround(s / 60.0));
    out = fmt::format("{}h {}m", total / 60, total % 60);
  }
  return neg ? "-" + out : out;
}

}  // namespace headroom
