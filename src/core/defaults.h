// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The defaults a user meets in --help, each defined once with its reason. The core's
// configuration structs take `value`; the flags (cli/) start from `text` and quote it in their
// help, so the help, the flag and the behaviour cannot drift apart (tests/core/defaults_test.cpp
// checks that every `text` parses to its `value`).
#pragma once

#include <chrono>

#include "core/duration.h"

namespace headroom::defaults {

struct DurationDefault {
  Duration value;
  const char* text;  // as a flag takes it and --help shows it
};

// The gate. Settle: driver teardown returns memory in bursts, so one good sample is not enough
// (FIELD.md 1, release timing). Timeout: the usual wait script's (the seed's wait-for-memory.sh).
// Interval: one sample costs microseconds; 100 ms sees a 1 s settle window ten times.
inline constexpr DurationDefault kSettle{std::chrono::seconds(1), "1s"};
inline constexpr DurationDefault kGateTimeout{std::chrono::seconds(300), "300s"};
inline constexpr DurationDefault kInterval{std::chrono::milliseconds(100), "100ms"};

// Stopping: SIGTERM to the server's process group, then SIGKILL after this long. Engines free
// their GPU memory on the way out; docker stop's 10 s cuts that short, systemd's 90 s
// (DefaultTimeoutStopSec) holds a wedged one for long.
inline constexpr DurationDefault kStopTimeout{std::chrono::seconds(30), "30s"};
// `headroom restart`: how long the old instance may take to be gone after the stop.
inline constexpr DurationDefault kGoneTimeout{std::chrono::seconds(60), "60s"};

// Starting: 90 GB models load for minutes (and a cold page cache slows them further).
inline constexpr DurationDefault kStartupTimeout{std::chrono::minutes(30), "30m"};
// Probes once ready, and how long one may take before it counts as failed.
inline constexpr DurationDefault kHealthInterval{std::chrono::seconds(10), "10s"};
inline constexpr DurationDefault kHealthTimeout{std::chrono::seconds(5), "5s"};
inline constexpr int kHealthFailures = 3;  // failed probes in a row that mean wedged

// Restart limits: the usual wait-script unit's StartLimitBurst=3 in StartLimitIntervalSec=600
// (eugr/spark-vllm-docker#257, FIELD.md 1).
inline constexpr int kBurst = 3;
inline constexpr DurationDefault kWithin{std::chrono::minutes(10), "10m"};
// OOM deaths in a row while loading with the same footprint: the server does not fit.
inline constexpr int kFitDeaths = 2;

// The host guard: how long its condition must hold before it stops the server.
inline constexpr DurationDefault kGuardFor{std::chrono::seconds(5), "5s"};

}  // namespace headroom::defaults
