// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// One simulated scenario: a pool, the stand-in server under one supervisor policy, the lag driver
// holding each dead server's memory for a lag, and faults injected at chosen moments. Measures
// what the operator feels: OOM kills, failed starts, downtime per crash (dead -> healthy again).
#pragma once

#include <csignal>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"

namespace headroom {

// kHeadroomAlone: headroom run --no-ledger (each gate alone), for the two-server scenario.
enum class Policy { kNaive, kSeed, kHeadroom, kHeadroomAlone };
const char* to_string(Policy p);
Result<Policy> parse_policy(std::string_view text);

enum class Fault { kCrash, kKill, kWedge };
Result<Fault> parse_fault(std::string_view text);

struct SimPaths {
  std::string headroom, standin, lagdriver, sim, seed_script;
};

struct ScenarioConfig {
  Policy policy = Policy::kHeadroom;
  uint64_t pool_bytes = 1ULL << 30;
  int servers = 1;            // 2: two servers on the pool, crashing at the same moment
  uint64_t server_mib = 700;  // what the server takes (each)
  uint64_t target_mib = 800;  // what the gates wait for: the server plus a margin
  double load_s = 1.0;        // the server's load time (its memory is touched within it)
  std::vector<double> lags;   // one per crash, in seconds
  int release_steps = 1;      // the driver frees a dead server's memory in this many parts
  Fault fault = Fault::kCrash;
  double steady_s = 0.5;  // healthy this long before each fault
  double recover_timeout_s = 60;
  double headroom_settle_s = 0.2;
  double seed_delay_s = 6;   // the seed's RestartSec=60, scaled
  double seed_poll_s = 0.5;  // the seed's 5 s poll, scaled
  SimPaths paths;
  std::string log_path;  // the supervisor's output (and the server's) goes here
  std::function<void(const std::string&)> on_line;  // ...and, line by line, here (the demo)
};

struct CrashResult {
  double lag_s = 0;
  double downtime_s = 0;   // fault -> healthy again
  double overshoot_s = 0;  // downtime - lag - load - the policy's settle window
  uint64_t oom_kills = 0;
  int failed_starts = 0;  // server instances that died before becoming healthy
  bool recovered = false;
};

struct ScenarioResult {
  Policy policy = Policy::kHeadroom;
  double settle_s = 0;
  std::vector<CrashResult> crashes;
};

// Needs root (a memory cgroup). Everything it creates is torn down before it returns, also when
// `stop` becomes non-zero (Ctrl-C), which ends it early with an error.
Result<ScenarioResult> run_scenario(const ScenarioConfig& c,
                                    const volatile std::sig_atomic_t& stop);

}  // namespace headroom
