// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The head-to-head restart benchmark: the same scenario matrix (release lags x crashes) under
// each policy, as real supervisors, reported as a Markdown table, JSON and a PNG plot.
#pragma once

#include <csignal>
#include <functional>
#include <string>
#include <vector>

#include "sim/scenario.h"

namespace headroom {

struct BenchConfig {
  std::vector<double> lags_real = {0, 2, 5, 10, 20};  // seconds on a real GB10, before scaling
  double scale = 0.1;  // lags, load, RestartSec and the seed's poll are multiplied by this
  int crashes = 3;     // per (policy, lag)
  std::vector<Policy> policies = {Policy::kNaive, Policy::kSeed, Policy::kHeadroom};
  std::string distribution = "fixed";  // fixed | uniform | pareto: how each crash's lag is drawn
  uint64_t seed = 1;
  ScenarioConfig base;  // pool, server, paths; lags and the scaled times are set per run
  // Two servers on the pool crashing at the same moment (the second's memory back at 2 x the
  // lag): each gate alone (headroom-alone) against the pool's ledger (headroom).
  bool pair = true;
  std::vector<Policy> pair_policies = {Policy::kNaive, Policy::kSeed, Policy::kHeadroomAlone,
                                       Policy::kHeadroom};
  uint64_t pair_server_mib = 450, pair_target_mib = 500;  // two fit in 1 GiB, not with a third
};

struct BenchRow {
  Policy policy = Policy::kHeadroom;
  int servers = 1;
  double lag_s = 0;  // the row's (scaled) lag
  int crashes = 0;
  uint64_t oom_kills = 0;
  int failed_starts = 0;
  double downtime_median = 0, overshoot_median = 0, downtime_max = 0;
  int recovered = 0;
};

// "headroom", or "headroom x2" for a row of the two-server scenario.
std::string row_label(const BenchRow& r);

// The lags crash by crash for one row: the same (seed, lag) gives every policy the same ones.
std::vector<double> draw_lags(const BenchConfig& b, double lag_real);

Result<std::vector<BenchRow>> run_bench(const BenchConfig& b,
                                        const volatile std::sig_atomic_t& stop,
                                        const std::function<void(const std::string&)>& progress);

std::string bench_markdown(const BenchConfig& b, const std::vector<BenchRow>& rows);
std::string bench_json(const BenchConfig& b, const std::vector<BenchRow>& rows);
std::string bench_csv(const std::vector<BenchRow>& rows);
// A gnuplot script that draws results.csv into restart.png (downtime and OOM kills vs lag).
std::string bench_gnuplot(const BenchConfig& b);

}  // namespace headroom
