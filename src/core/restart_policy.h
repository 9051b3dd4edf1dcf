// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// When to restart, and when to stop trying. The seed's numbers are the defaults (StartLimitBurst=3
// in StartLimitIntervalSec=600): at the third failure within ten minutes headroom gives up and
// exits non-zero, so systemd or Kubernetes see a failure instead of a loop that leaks memory on
// every try (eugr/spark-vllm-docker#257, FIELD.md section 1).
#pragma once

#include <deque>
#include <string>

#include "core/defaults.h"
#include "core/diagnosis.h"
#include "core/duration.h"
#include "core/result.h"

namespace headroom {

enum class RestartMode { kNo, kOnFailure, kAlways };

Result<RestartMode> parse_restart_mode(std::string_view text);
const char* to_string(RestartMode m);

struct RestartPolicy {
  RestartMode mode = RestartMode::kOnFailure;
  int burst = defaults::kBurst;  // failures allowed within `within`
  Duration within = defaults::kWithin.value;
  Duration delay{};  // a floor before each restart; 0 = the gate decides
};

// Counts failures in a sliding window.
class StartLimiter {
 public:
  StartLimiter(int burst, Duration within) : burst_(burst), within_(within) {}
  // Records a failure; true when this one reaches the limit (`burst` failures in the window).
  bool record(Instant now);
  int in_window(Instant now) const;

 private:
  int burst_;
  Duration within_;
  std::deque<Instant> failures_;
};

enum class Next { kRestart, kExit, kGiveUp };

// After a death (or a gate timeout): restart, exit with the server's status, or give up at the
// start limit. Failures to execute the command at all give up at once: retrying cannot help.
Next after_death(const RestartPolicy& policy, const Verdict& v, StartLimiter& limiter, Instant now);

}  // namespace headroom
