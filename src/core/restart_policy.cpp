// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/restart_policy.h"

#include <fmt/format.h>

namespace headroom {

Result<RestartMode> parse_restart_mode(std::string_view text) {
  if (text == "no") return RestartMode::kNo;
  if (text == "on-failure") return RestartMode::kOnFailure;
  if (text == "always") return RestartMode::kAlways;
  return make_error(fmt::format("--restart \"{}\": expected no, on-failure or always", text));
}

const char* to_string(RestartMode m) {
  switch (m) {
    case RestartMode::kNo:
      return "no";
    case RestartMode::kOnFailure:
      return "on-failure";
    case RestartMode::kAlways:
      return "always";
  }
  return "?";
}

bool StartLimiter::record(Instant now) {
  failures_.push_back(now);
  return in_window(now) >= burst_;
}

int StartLimiter::in_window(Instant now) const {
  int n = 0;
  for (Instant t : failures_) {
    if (now - t < within_) ++n;
  }
  return n;
}

Next after_death(const RestartPolicy& policy, const Verdict& v, StartLimiter& limiter,
                 Instant now) {
  if (v.cause == Cause::kStopped) return Next::kExit;
  if (v.cause == Cause::kExecFailed || v.cause == Cause::kProbeRejected) return Next::kGiveUp;
  if (policy.mode == RestartMode::kNo) return Next::kExit;
  if (!v.failure && policy.mode == RestartMode::kOnFailure) return Next::kExit;
  // A restart after a clean exit under `always` counts too: a server that exits at once would
  // otherwise loop forever.
  return limiter.record(now) ? Next::kGiveUp : Next::kRestart;
}

}  // namespace headroom
