// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// headroom-sim: the unified-memory restart simulator. A memory cgroup plays the 128 GB pool of a
// DGX Spark, the stand-in server plays SGLang, the lag driver plays a GPU driver that gives a dead
// server's memory back late. `demo` narrates one crash under each policy; `bench` runs the
// head-to-head matrix; `scenario` runs one; `naive` and `seed` are the baseline supervisors.
#include <fmt/format.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "core/size.h"
#include "core/text.h"
#include "headroom_version.h"
#include "sim/bench.h"
#include "sim/scenario.h"
#include "sim/supervisors.h"

namespace headroom {
namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_stop(int) {
  g_stop = 1;
}

std::string exe_dir() {
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : p.parent_path().string();
}

struct PathFlags {
  SimPaths paths;
  void add(CLI::App* cmd) {
    const std::string dir = exe_dir();
    paths = {dir + "/headroom", dir + "/headroom-standin", dir + "/headroom-lagdriver",
             dir + "/headroom-sim", HEADROOM_SEED_SCRIPT};
    cmd->add_option("--headroom", paths.headroom, "headroom binary (default: next to this one)");
    cmd->add_option("--standin", paths.standin, "headroom-standin binary");
    cmd->add_option("--lagdriver", paths.lagdriver, "headroom-lagdriver binary");
    cmd->add_option("--seed-script", paths.seed_script,
                    "The usual wait script (default: bench/seed-wait-memory.sh of the source)");
  }
};

Result<std::vector<double>> parse_list(const std::string& text, const char* what) {
  std::vector<double> out;
  std::string_view rest = text;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    auto v = parse_decimal(trim(rest.substr(0, comma)));
    if (!v) return make_error(fmt::format("{} \"{}\": expected numbers like 0,2,5", what, text));
    out.push_back(*v);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (out.empty()) return make_error(fmt::format("{}: empty", what));
  return out;
}

int fail(const std::string& msg) {
  std::fprintf(stderr, "headroom-sim: error: %s\n", msg.c_str());
  return 2;
}

std::string needs_root_text() {
  return "the simulation needs root: it creates a memory cgroup as the pool, so that an early "
         "start is really OOM-killed by the kernel. Run it as root (sudo).";
}

// ---- demo --------------------------------------------------------------------------------------

int run_demo(const SimPaths& paths, double lag, bool compare) {
  if (::geteuid() != 0) {
    std::printf("%s\nMeanwhile, what headroom sees on this machine:\n\n",
                needs_root_text().c_str());
    std::fflush(stdout);
    ::execl(paths.headroom.c_str(), paths.headroom.c_str(), "status", static_cast<char*>(nullptr));
    return fail(paths.headroom + ": cannot run");
  }
  ScenarioConfig c;
  c.paths = paths;
  c.load_s = 1.5;
  c.lags = {lag};
  c.steady_s = 1.0;
  auto say = [](const std::string& s) {
    std::printf("%s\n", s.c_str());
    std::fflush(stdout);
  };
  say("== headroom demo: a server restart on a unified-memory machine, in miniature ==");
  say(fmt::format(
      "A DGX Spark's CPU and GPU share one 128 GB pool. Here a {} memory cgroup plays that pool,\n"
      "and a stand-in server plays SGLang: it takes {} MiB and loads for {:.1f} s. When it dies,\n"
      "its memory is not free at once: a 'driver' keeps it for {:.1f} s and then gives it back,\n"
      "the way a GB10 tears down a dead process's CUDA memory late. Nothing is faked: the "
      "kernel's\n"
      "OOM killer enforces the pool.\n",
      format_bytes(c.pool_bytes), c.server_mib, c.load_s, lag));

  struct Shown {
    Policy policy;
    CrashResult r;
    double settle;
  };
  std::vector<Shown> shown;
  const std::vector<std::pair<Policy, std::string>> runs = {
      {Policy::kHeadroom,
       fmt::format("headroom run --free {}M --settle 0.2s --health ...: waits until the memory is "
                   "really back, then starts",
                   c.target_mib)},
      {Policy::kNaive, "a naive supervisor: restarts at once, Docker-style (100 ms, doubling)"},
      {Policy::kSeed,
       "the usual wait-script recipe: RestartSec=60 (6 s here), then `free` every 5 s (0.5 s "
       "here)"},
  };
  int step = 0;
  for (const auto& [policy, text] : runs) {
    if (!compare && policy != Policy::kHeadroom) break;
    say(fmt::format("[{}/{}] {}", ++step, compare ? 3 : 1, text));
    c.policy = policy;
    c.seed_delay_s = 6;
    c.seed_poll_s = 0.5;
    c.on_line = [&](const std::string& line) {
      // The supervisors' own lines; the server's wait script prints "Memory available: N".
      if (line.rfind("headroom:", 0) == 0 || line.rfind("naive:", 0) == 0 ||
          line.rfind("wait-script:", 0) == 0 || line.rfind("Memory available", 0) == 0) {
        say("    | " + line);
      }
    };
    say("    (the server crashes once it has served for a second: SIGSEGV)");
    auto r = run_scenario(c, g_stop);
    if (!r) return fail(r.error().message);
    const CrashResult& cr = r->crashes.front();
    say(fmt::format(
        "    -> down {:.1f} s; OOM kills {}; failed starts {}; memory back after {:.1f} s; "
        "overshoot {:.2f} s\n",
        cr.downtime_s, cr.oom_kills, cr.failed_starts, cr.lag_s, cr.overshoot_s));
    shown.push_back({policy, cr, r->settle_s});
  }
  say("Summary (one crash each; downtime = dead -> healthy again):");
  say("  policy       OOM kills  failed starts  downtime  overshoot (downtime - lag - load - "
      "settle)");
  for (const Shown& s : shown) {
    say(fmt::format("  {:<11}  {:>9}  {:>13}  {:>7.1f}s  {:>8.2f}s", to_string(s.policy),
                    s.r.oom_kills, s.r.failed_starts, s.r.downtime_s, s.r.overshoot_s));
  }
  say("\nheadroom waited exactly as long as the memory needed, with no OOM kill. The full matrix:\n"
      "bench/restart (README: 'The restart benchmark').");
  return 0;
}

// ---- scenario / bench
// ----------------------------------------------------------------------------

struct ServerFlags {
  std::string pool = "1G", server = "700M", target = "800M";
  double load = 1.0;
  double after = 0.5;
  std::string fault = "crash";
  void add(CLI::App* cmd) {
    cmd->add_option("--pool", pool, "Size of the pool (default 1G)");
    cmd->add_option("--server", server, "Memory the server takes (default 700M)");
    cmd->add_option("--target", target, "What the gates wait for (default 800M: server + margin)");
    cmd->add_option("--load", load, "The server's load time in seconds (default 1)");
    cmd->add_option("--fault", fault, "crash (SIGSEGV), kill (SIGKILL from outside) or wedge");
    cmd->add_option(
        "--after", after,
        "Inject each fault this many seconds after the server is healthy (default 0.5)");
  }
  Status apply(ScenarioConfig& c) const {
    auto p = parse_size(pool, BareNumber::kReject);
    if (!p) return p.error().in("--pool");
    auto s = parse_size(server, BareNumber::kReject);
    if (!s) return s.error().in("--server");
    auto t = parse_size(target, BareNumber::kReject);
    if (!t) return t.error().in("--target");
    auto f = parse_fault(fault);
    if (!f) return f.error();
    if (*s >= *p) return make_error("--server must be smaller than --pool");
    c.pool_bytes = *p;
    c.server_mib = *s >> 20;
    c.target_mib = *t >> 20;
    c.load_s = load;
    c.steady_s = after;
    c.fault = *f;
    return {};
  }
};

int run_bench_cmd(BenchConfig& b, const std::string& out_dir, bool json) {
  if (::geteuid() != 0) return fail(needs_root_text());
  auto progress = [json](const std::string& s) {
    std::fprintf(json ? stderr : stdout, "%s\n", s.c_str());
    std::fflush(json ? stderr : stdout);
  };
  const auto t0 = std::chrono::steady_clock::now();
  auto rows = run_bench(b, g_stop, progress);
  if (!rows) return fail(rows.error().message);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::string md = bench_markdown(b, *rows);
  std::filesystem::create_directories(out_dir);
  std::ofstream(out_dir + "/table.md") << md;
  std::ofstream(out_dir + "/results.json") << bench_json(b, *rows) << "\n";
  std::ofstream(out_dir + "/results.csv") << bench_csv(*rows);
  std::ofstream(out_dir + "/restart.gnuplot") << bench_gnuplot(b);
  const std::string plot = fmt::format("cd '{}' && gnuplot restart.gnuplot 2>/dev/null", out_dir);
  const bool plotted = std::system(plot.c_str()) == 0;
  if (json) {
    std::printf("%s\n", bench_json(b, *rows).c_str());
  } else {
    std::printf("\n%s\n", md.c_str());
    std::printf("took %.0f s; written to %s/ (table.md, results.json, results.csv%s)\n", took,
                out_dir.c_str(), plotted ? ", restart.png" : "; no plot: gnuplot is missing");
  }
  return 0;
}

}  // namespace
}  // namespace headroom

// Long on purpose: the simulator's flags (a CLI11 table, one statement each) and then the run.
int main(int argc, char** argv) {
  using namespace headroom;
  std::signal(SIGINT, on_stop);
  std::signal(SIGTERM, on_stop);
  CLI::App app{
      "headroom-sim: a unified-memory pool in miniature (a memory cgroup), a stand-in "
      "server, a GPU-like late memory release, and supervisors to compare. Needs root.",
      "headroom-sim"};
  app.set_version_flag("--version", "headroom-sim " HEADROOM_VERSION);
  app.require_subcommand(1);

  PathFlags demo_paths;
  double demo_lag = 4;
  bool demo_only_headroom = false;
  auto* demo = app.add_subcommand("demo",
                                  "A narrated minute: one crash under headroom, a naive "
                                  "supervisor and the usual wait-script recipe");
  demo_paths.add(demo);
  demo->add_option("--lag", demo_lag, "Seconds the dead server's memory stays held (default 4)");
  demo->add_flag("--headroom-only", demo_only_headroom, "Skip the two baselines");

  PathFlags sc_paths;
  ServerFlags sc_server;
  std::string sc_policy = "headroom", sc_lags = "1";
  bool sc_json = false;
  auto* sc = app.add_subcommand("scenario", "One policy, one crash per lag; prints what happened");
  sc_paths.add(sc);
  sc_server.add(sc);
  sc->add_option("--policy", sc_policy, "naive, wait-script or headroom (default headroom)");
  sc->add_option("--lags", sc_lags, "Release lag of each crash, in seconds (default 1)");
  sc->add_flag("--json", sc_json, "One JSON object per crash");

  PathFlags b_paths;
  ServerFlags b_server;
  BenchConfig bench;
  std::string b_lags = "0,2,5,10,20", b_policies = "naive,wait-script,headroom", b_out;
  bool b_quick = false, b_json = false;
  auto* b = app.add_subcommand("bench", "The head-to-head matrix: lags x policies x crashes");
  b_paths.add(b);
  b_server.add(b);
  b->add_option("--lags", b_lags,
                "Release lags on a real machine, in seconds (default 0,2,5,10,20)");
  b->add_option("--scale", bench.scale,
                "Multiplies lags, load, RestartSec and polls (default 0.1)");
  b->add_option("--crashes", bench.crashes, "Crashes per policy and lag (default 3)");
  b->add_option("--policies", b_policies, "Which (default naive,wait-script,headroom)");
  b->add_option("--distribution", bench.distribution,
                "How each crash's lag is drawn around the row's lag: fixed, uniform or pareto "
                "(heavy-tailed); default fixed");
  b->add_option("--seed", bench.seed, "Random seed for the lag draws (default 1)");
  b->add_option("--out", b_out, "Results folder (default results/restart-TIMESTAMP)");
  b->add_flag("--quick", b_quick, "The CI subset: one lag (5 s real), one crash per policy");
  b->add_flag("--json", b_json, "Print {\"results\": [...]} instead of the table");
  bool b_no_pair = false;
  b->add_flag("--no-pair", b_no_pair,
              "Leave out the two-server scenario (two servers of 450 MiB crashing together: "
              "naive, wait-script, headroom-alone = --no-ledger, headroom)");

  std::vector<std::string> n_cmd;
  auto* naive = app.add_subcommand("naive", "Baseline supervisor: restart at once, Docker backoff");
  naive->add_option("command", n_cmd)->required();
  SeedSupervisorOptions seed_opts;
  std::vector<std::string> s_cmd;
  auto* seed =
      app.add_subcommand("wait-script",
                         "Baseline supervisor: the usual wait-script recipe (RestartSec= + a "
                         "free -g loop in ExecStartPre=)");
  seed->add_option("--delay", seed_opts.delay_s, "RestartSec= in seconds (default 60)");
  seed->add_option("--poll", seed_opts.poll_s, "The script's poll in seconds (default 5)");
  seed->add_option("--target", seed_opts.target, "The script's target (GiB, or MiB with a pool)");
  seed->add_option("--max-wait", seed_opts.max_wait_s, "The script's timeout (default 300)");
  seed->add_option("--pool-dir", seed_opts.pool_dir, "Measure this cgroup instead of free -g");
  seed->add_option("--script", seed_opts.script, "seed-wait-memory.sh")->required();
  seed->add_option("command", s_cmd)->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  if (naive->parsed()) return naive_supervisor(n_cmd);
  if (seed->parsed()) return seed_supervisor(seed_opts, s_cmd);
  if (demo->parsed()) return run_demo(demo_paths.paths, demo_lag, !demo_only_headroom);
  if (sc->parsed()) {
    if (::geteuid() != 0) return fail(needs_root_text());
    ScenarioConfig c;
    c.paths = sc_paths.paths;
    if (Status st = sc_server.apply(c); !st) return fail(st.error().message);
    auto p = parse_policy(sc_policy);
    if (!p) return fail(p.error().message);
    c.policy = *p;
    auto lags = parse_list(sc_lags, "--lags");
    if (!lags) return fail(lags.error().message);
    c.lags = *lags;
    auto r = run_scenario(c, g_stop);
    if (!r) return fail(r.error().message);
    for (const CrashResult& cr : r->crashes) {
      if (sc_json) {
        std::printf(
            "{\"policy\":\"%s\",\"lag_s\":%.3f,\"downtime_s\":%.3f,\"overshoot_s\":%.3f,"
            "\"oom_kills\":%llu,\"failed_starts\":%d,\"recovered\":%s}\n",
            to_string(r->policy), cr.lag_s, cr.downtime_s, cr.overshoot_s,
            static_cast<unsigned long long>(cr.oom_kills), cr.failed_starts,
            cr.recovered ? "true" : "false");
      } else {
        std::printf(
            "%s: lag %.2f s -> down %.2f s (overshoot %.2f s), OOM kills %llu, failed "
            "starts %d%s\n",
            to_string(r->policy), cr.lag_s, cr.downtime_s, cr.overshoot_s,
            static_cast<unsigned long long>(cr.oom_kills), cr.failed_starts,
            cr.recovered ? "" : ", NOT recovered");
      }
    }
    return 0;
  }
  if (b->parsed()) {
    bench.base.paths = b_paths.paths;
    if (Status st = b_server.apply(bench.base); !st) return fail(st.error().message);
    bench.base.load_s = b_server.load;
    auto lags = parse_list(b_quick ? "5" : b_lags, "--lags");
    if (!lags) return fail(lags.error().message);
    bench.lags_real = *lags;
    if (b_quick) bench.crashes = 1;
    bench.pair = !b_no_pair;
    bench.policies.clear();
    std::string_view rest = b_policies;
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      auto p = parse_policy(trim(rest.substr(0, comma)));
      if (!p) return fail(p.error().message);
      bench.policies.push_back(*p);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    if (bench.distribution != "fixed" && bench.distribution != "uniform" &&
        bench.distribution != "pareto") {
      return fail("--distribution: expected fixed, uniform or pareto");
    }
    if (b_out.empty()) {
      std::array<char, 32> ts{};
      const std::time_t now = std::time(nullptr);
      std::strftime(ts.data(), ts.size(), "%Y%m%d-%H%M%S", std::localtime(&now));
      b_out = std::string("results/restart-") + ts.data();
    }
    return run_bench_cmd(bench, b_out, b_json);
  }
  return 2;
}
