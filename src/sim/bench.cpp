// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "sim/bench.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>

namespace headroom {
namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

std::vector<double> draw_lags(const BenchConfig& b, double lag_real) {
  const double lag = lag_real * b.scale;
  std::mt19937_64 rng(b.seed * 1000003ULL + static_cast<uint64_t>(lag_real * 1000));
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> out;
  for (int i = 0; i < b.crashes; ++i) {
    if (b.distribution == "uniform") {
      out.push_back(lag * (0.5 + u(rng)));  // U(L/2, 3L/2): mean L
    } else if (b.distribution == "pareto") {
      out.push_back(lag / 3 / std::pow(1.0 - u(rng), 1.0 / 1.5));  // xm = L/3, alpha 1.5: mean L
    } else {
      out.push_back(lag);
    }
  }
  return out;
}

std::string row_label(const BenchRow& r) {
  return std::string(to_string(r.policy)) + (r.servers > 1 ? " x2" : "");
}

Result<std::vector<BenchRow>> run_bench(const BenchConfig& b,
                                        const volatile std::sig_atomic_t& stop,
                                        const std::function<void(const std::string&)>& progress) {
  std::vector<BenchRow> rows;
  struct Run {
    Policy policy;
    int servers;
  };
  std::vector<Run> runs;
  for (Policy p : b.policies)
    runs.push_back({p, 1});
  if (b.pair) {
    for (Policy p : b.pair_policies)
      runs.push_back({p, 2});
  }
  for (double lag_real : b.lags_real) {
    const std::vector<double> lags = draw_lags(b, lag_real);
    for (const auto& [p, servers] : runs) {
      ScenarioConfig c = b.base;
      c.policy = p;
      c.lags = lags;
      c.servers = servers;
      if (servers > 1) {
        c.server_mib = b.pair_server_mib;
        c.target_mib = b.pair_target_mib;
      }
      c.seed_delay_s = 60 * b.scale;
      c.seed_poll_s = 5 * b.scale;
      BenchRow row;
      row.policy = p;
      row.servers = servers;
      if (progress) {
        progress(fmt::format("{:<17} lag {:.2f} s: {} crash(es)...", row_label(row),
                             lag_real * b.scale, lags.size()));
      }
      auto r = run_scenario(c, stop);
      if (!r)
        return r.error().in(fmt::format("{} at lag {} s", row_label(row), lag_real * b.scale));
      row.lag_s = lag_real * b.scale;
      std::vector<double> down, over;
      for (const CrashResult& cr : r->crashes) {
        ++row.crashes;
        row.oom_kills += cr.oom_kills;
        row.failed_starts += cr.failed_starts;
        row.recovered += cr.recovered ? 1 : 0;
        down.push_back(cr.downtime_s);
        over.push_back(cr.overshoot_s);
        row.downtime_max = std::max(row.downtime_max, cr.downtime_s);
      }
      row.downtime_median = median(down);
      row.overshoot_median = median(over);
      rows.push_back(row);
    }
  }
  return rows;
}

std::string bench_markdown(const BenchConfig& b, const std::vector<BenchRow>& rows) {
  std::string out = fmt::format(
      "| lag (s) | policy | crashes | OOM kills | failed starts | downtime median (s) | overshoot "
      "median (s) | downtime max (s) |\n|---:|---|---:|---:|---:|---:|---:|---:|\n");
  for (const BenchRow& r : rows) {
    fmt::format_to(
        std::back_inserter(out), "| {:.2f} | {} | {}{} | {} | {} | {:.2f} | {:.2f} | {:.2f} |\n",
        r.lag_s, row_label(r), r.crashes,
        r.recovered < r.crashes ? fmt::format(" ({} never recovered)", r.crashes - r.recovered)
                                : "",
        r.oom_kills, r.failed_starts, r.downtime_median, r.overshoot_median, r.downtime_max);
  }
  fmt::format_to(
      std::back_inserter(out),
      "\nScale {:g}: load {:.2f} s, the wait script's RestartSec {:.1f} s and poll {:.2f} s; "
      "headroom's settle {:.2f} s; lags {} (random seed {}). Overshoot = downtime - lag - load "
      "- the policy's settle window.\n",
      b.scale, b.base.load_s, 60 * b.scale, 5 * b.scale, b.base.headroom_settle_s, b.distribution,
      b.seed);
  if (b.pair) {
    fmt::format_to(
        std::back_inserter(out),
        "\nx2: two servers of {} MiB on the pool, each gating on {} MiB, crash at the same moment; "
        "the first's memory comes back after the lag, the second's after twice the lag. Downtime "
        "lasts until both serve again (overshoot against twice the lag). headroom-alone is "
        "`headroom run --no-ledger`: each gate alone.\n",
        b.pair_server_mib, b.pair_target_mib);
  }
  return out;
}

std::string bench_json(const BenchConfig& b, const std::vector<BenchRow>& rows) {
  nlohmann::ordered_json j;
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  for (const BenchRow& r : rows) {
    results.push_back({{"policy", to_string(r.policy)},
                       {"servers", r.servers},
                       {"lag_s", r.lag_s},
                       {"crashes", r.crashes},
                       {"oom_kills", r.oom_kills},
                       {"failed_starts", r.failed_starts},
                       {"downtime_s_median", r.downtime_median},
                       {"overshoot_s_median", r.overshoot_median},
                       {"downtime_s_max", r.downtime_max},
                       {"recovered", r.recovered}});
  }
  j["results"] = results;
  j["settings"] = {{"scale", b.scale},
                   {"crashes", b.crashes},
                   {"distribution", b.distribution},
                   {"seed", b.seed},
                   {"pool_bytes", b.base.pool_bytes},
                   {"server_mib", b.base.server_mib},
                   {"target_mib", b.base.target_mib},
                   {"load_s", b.base.load_s},
                   {"headroom_settle_s", b.base.headroom_settle_s},
                   {"wait_script_restart_sec_s", 60 * b.scale},
                   {"wait_script_poll_s", 5 * b.scale}};
  return j.dump();
}

std::string bench_csv(const std::vector<BenchRow>& rows) {
  std::string out =
      "policy,lag_s,crashes,oom_kills,failed_starts,downtime_s_median,overshoot_s_median,"
      "downtime_s_max\n";
  // One policy's rows together, by lag: gnuplot joins the points of a policy into a line only
  // when no other policy's rows stand between them.
  std::vector<BenchRow> sorted = rows;
  std::stable_sort(sorted.begin(), sorted.end(), [](const BenchRow& a, const BenchRow& b) {
    if (a.servers != b.servers) return a.servers < b.servers;
    return a.policy != b.policy ? a.policy < b.policy : a.lag_s < b.lag_s;
  });
  for (const BenchRow& r : sorted) {
    // The two-server rows as naive_x2 (one word: the plot's keys).
    fmt::format_to(std::back_inserter(out), "{},{},{},{},{},{},{},{}\n",
                   std::string(to_string(r.policy)) + (r.servers > 1 ? "_x2" : ""), r.lag_s,
                   r.crashes, r.oom_kills, r.failed_starts, r.downtime_median, r.overshoot_median,
                   r.downtime_max);
  }
  return out;
}

std::string bench_gnuplot(const BenchConfig& b) {
  return fmt::format(R"GP(set terminal pngcairo size 1200,480 font ",10"
set output 'restart.png'
set datafile separator ','
set termoption noenhanced
set key below horizontal
set grid
set yrange [0:*]
set multiplot layout 1,2 title "Restart after a crash on a unified-memory pool (lags, load and delays x {:g})"
set title "downtime per crash, median (lower is better)"
set xlabel "memory release lag (s)"
set ylabel "seconds"
plot for [p in "naive wait-script headroom naive_x2 wait-script_x2 headroom-alone_x2 headroom_x2"] 'results.csv' using 2:(strcol(1) eq p ? $6 : 1/0) skip 1 with linespoints lw 2 pt 7 title p
set title "OOM kills over {} crash(es) per lag (0 is the goal)"
set ylabel "OOM kills"
set ytics 1
plot for [p in "naive wait-script headroom naive_x2 wait-script_x2 headroom-alone_x2 headroom_x2"] 'results.csv' using 2:(strcol(1) eq p ? $4 : 1/0) skip 1 with linespoints lw 2 pt 7 title p
unset multiplot
)GP",
                     b.scale, b.crashes);
}

}  // namespace headroom
