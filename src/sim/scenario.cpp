// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "sim/scenario.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "act/http_probe.h"
#include "core/text.h"
#include "sim/child.h"
#include "sim/pool.h"

namespace headroom {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// The standin-PID-NONCE.mem files in the memory directory: every server instance that started and
// whose memory is not yet freed.
void scan_instances(const std::string& dir, std::set<int>& seen) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  while (const dirent* e = ::readdir(d)) {
    int pid = 0;
    if (std::sscanf(e->d_name, "standin-%d-", &pid) == 1) seen.insert(pid);
  }
  ::closedir(d);
}

// Everything the scenario started, torn down in reverse order whatever happens.
struct World {
  std::unique_ptr<Pool> pool;
  std::vector<std::string> mem_dirs;  // one per server, each with its driver
  std::vector<std::unique_ptr<Child>> drivers, supervisors;
  std::ofstream log;

  ~World() {
    for (auto& sup : supervisors) {
      sup->kill(SIGTERM);  // each supervisor stops its server on SIGTERM
      if (sup->wait(std::chrono::seconds(10)) == -1) sup->kill_group(SIGKILL);
      sup.reset();
    }
    for (auto& d : drivers) {
      d->kill(SIGTERM);  // frees whatever it still holds
      d->wait(std::chrono::seconds(5));
      d.reset();
    }
    pool.reset();  // kills any process left in the pool, removes the cgroup
    for (const std::string& dir : mem_dirs) {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  }
};

// The supervisor of one server under `c.policy`, named `name`, gating on `c.target_mib`.
std::vector<std::string> supervisor_argv(const ScenarioConfig& c, const Pool& pool,
                                         const std::string& name, const std::string& url,
                                         double settle) {
  switch (c.policy) {
    case Policy::kHeadroom:
    case Policy::kHeadroomAlone: {
      std::vector<std::string> argv = {c.paths.headroom,
                                       "run",
                                       "--no-gpu",
                                       "--name",
                                       name,
                                       "--cgroup",
                                       pool.name(),
                                       "--free",
                                       fmt::format("{}M", c.target_mib),
                                       "--settle",
                                       fmt::format("{}s", settle),
                                       "--health",
                                       url + "/health",
                                       "--health-interval",
                                       "1s",
                                       "--health-timeout",
                                       "500ms",
                                       "--startup-timeout",
                                       "5m",
                                       "--burst",
                                       "1000",
                                       "--within",
                                       "1m",
                                       "--no-guard",
                                       "--events",
                                       "/dev/null"};
      if (c.policy == Policy::kHeadroomAlone) argv.emplace_back("--no-ledger");
      return argv;
    }
    case Policy::kNaive:
      return {c.paths.sim, "naive"};
    case Policy::kSeed:
      return {c.paths.sim,  "wait-script",
              "--delay",    fmt::format("{}", c.seed_delay_s),
              "--poll",     fmt::format("{}", c.seed_poll_s),
              "--target",   std::to_string(c.target_mib),
              "--max-wait", "300",
              "--pool-dir", pool.dir(),
              "--script",   c.paths.seed_script};
  }
  return {};
}

}  // namespace

const char* to_string(Policy p) {
  switch (p) {
    case Policy::kNaive:
      return "naive";
    case Policy::kSeed:
      return "wait-script";
    case Policy::kHeadroom:
      return "headroom";
    case Policy::kHeadroomAlone:
      return "headroom-alone";
  }
  return "?";
}

Result<Policy> parse_policy(std::string_view text) {
  if (text == "naive") return Policy::kNaive;
  if (text == "wait-script") return Policy::kSeed;
  if (text == "headroom") return Policy::kHeadroom;
  if (text == "headroom-alone") return Policy::kHeadroomAlone;
  return make_error(
      fmt::format("policy \"{}\": expected naive, wait-script, headroom or headroom-alone", text));
}

Result<Fault> parse_fault(std::string_view text) {
  if (text == "crash") return Fault::kCrash;
  if (text == "kill") return Fault::kKill;
  if (text == "wedge") return Fault::kWedge;
  return make_error(fmt::format("fault \"{}\": expected crash, kill or wedge", text));
}

Result<ScenarioResult> run_scenario(const ScenarioConfig& c,
                                    const volatile std::sig_atomic_t& stop) {
  static int counter = 0;
  World w;
  auto pool = Pool::create("headroom-sim", c.pool_bytes);
  if (!pool) return pool.error();
  w.pool = std::move(*pool);
  if (!c.log_path.empty()) w.log.open(c.log_path, std::ios::app);
  const int n = std::max(1, c.servers);
  const double settle =
      c.policy == Policy::kHeadroom || c.policy == Policy::kHeadroomAlone ? c.headroom_settle_s : 0;

  struct Server {
    std::optional<ProbeTarget> health, crash;
    int pid = 0;  // the instance serving now
  };
  std::vector<Server> servers(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    // Each server's memory in a directory of its own, held by its own driver: the second of a
    // pair comes back later than the first (its lag x2), as one model's teardown is slower.
    const std::string dir = fmt::format("/dev/shm/headroom-sim-{}-{}", ::getpid(), counter++);
    std::filesystem::create_directories(dir);
    w.mem_dirs.push_back(dir);
    ChildOptions quiet;
    quiet.own_group = true;
    auto& driver = w.drivers.emplace_back(std::make_unique<Child>(
        std::vector<std::string>{c.paths.lagdriver, "--dir", dir, "--lag", "0", "--steps",
                                 std::to_string(c.release_steps)},
        quiet));
    if (driver->read_line(std::chrono::seconds(5)).rfind("lagdriver:", 0) != 0) {
      return make_error(c.paths.lagdriver + " did not start");
    }
    const int port = free_tcp_port();
    const std::string url = fmt::format("http://127.0.0.1:{}", port);
    auto health = resolve_probe(*parse_http_url(url + "/health"), "GET", "");
    auto crash = resolve_probe(
        *parse_http_url(url + (c.fault == Fault::kWedge ? "/wedge" : "/crash")), "GET", "");
    if (!health || !crash) return make_error("cannot build the probe targets");
    servers[static_cast<size_t>(i)].health = *health;
    servers[static_cast<size_t>(i)].crash = *crash;
    std::vector<std::string> argv =
        supervisor_argv(c, *w.pool, n == 1 ? "sim" : fmt::format("sim-{}", i + 1), url, settle);
    for (const std::string& a :
         {std::string("--"), c.paths.standin, std::string("--port"), std::to_string(port),
          std::string("--memory"), std::to_string(c.server_mib), std::string("--mem-dir"), dir,
          std::string("--load"), fmt::format("{}", c.load_s), std::string("--join-cgroup"),
          w.pool->dir()}) {
      argv.push_back(a);
    }
    ChildOptions sup;
    sup.own_group = true;
    sup.merge_stderr = true;
    w.supervisors.push_back(std::make_unique<Child>(argv, sup));
  }

  std::set<int> instances;
  // Forwards the supervisors' output and notes server instances; false when asked to stop.
  auto pump = [&] {
    for (auto& sup : w.supervisors) {
      for (std::string line; !(line = sup->read_line(std::chrono::milliseconds(0))).empty();) {
        if (w.log.is_open()) w.log << line << '\n';
        if (c.on_line) c.on_line(line);
      }
    }
    for (auto& d : w.drivers) {
      while (!d->read_line(std::chrono::milliseconds(0)).empty()) {
      }
    }
    for (const std::string& dir : w.mem_dirs)
      scan_instances(dir, instances);
    return stop == 0;
  };
  // Polls every server's /health every 20 ms until each answers from an instance other than the
  // one before; false on a timeout or a stop.
  auto wait_healthy = [&](double timeout_s) -> bool {
    std::vector<int> before;
    for (const Server& sv : servers)
      before.push_back(sv.pid);
    std::vector<bool> up(servers.size(), false);
    const auto t0 = Clock::now();
    while (since(t0) < timeout_s) {
      if (!pump()) return false;
      bool all = true;
      for (size_t i = 0; i < servers.size(); ++i) {
        if (!up[i]) {
          std::string resp;
          if (probe_blocking(*servers[i].health, std::chrono::milliseconds(200), &resp)) {
            const size_t at = resp.find("ok pid=");
            const int pid = at == std::string::npos ? -1 : std::atoi(resp.c_str() + at + 7);
            if (pid != before[i]) {
              servers[i].pid = pid;
              up[i] = true;
            }
          }
          if (!w.supervisors[i]->running()) return false;
        }
        all = all && up[i];
      }
      if (all) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  };
  auto pause_for = [&](double sec) {
    const auto t0 = Clock::now();
    while (since(t0) < sec && pump())
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  };

  std::set<int> counted;  // instances already reported as failed starts
  ScenarioResult result;
  result.policy = c.policy;
  result.settle_s = settle;
  for (Server& sv : servers)
    sv.pid = -1;
  if (!wait_healthy(c.recover_timeout_s)) {
    return make_error(stop != 0 ? "interrupted"
                                : fmt::format("the {} supervisor never brought the server up",
                                              to_string(c.policy)));
  }
  for (double lag : c.lags) {
    pause_for(c.steady_s);
    if (stop != 0) return make_error("interrupted");
    for (size_t i = 0; i < w.drivers.size(); ++i)
      w.drivers[i]->send(fmt::format("lag {}", lag * static_cast<double>(i + 1)));
    const uint64_t oom_before = w.pool->oom_kills();
    instances.clear();
    std::set<int> current;
    for (const Server& sv : servers)
      current.insert(sv.pid);
    const auto fault_at = Clock::now();
    for (const Server& sv : servers) {  // all at the same moment
      if (c.fault == Fault::kKill) {
        ::kill(sv.pid, SIGKILL);
      } else {
        probe_blocking(*sv.crash, std::chrono::milliseconds(200));
      }
    }
    CrashResult r;
    r.lag_s = lag;
    r.recovered = wait_healthy(c.recover_timeout_s);
    r.downtime_s = since(fault_at);
    pump();
    r.oom_kills = w.pool->oom_kills() - oom_before;
    std::set<int> next;
    for (const Server& sv : servers)
      next.insert(sv.pid);
    for (int pid : instances) {
      if (!current.count(pid) && !next.count(pid) && counted.insert(pid).second) ++r.failed_starts;
    }
    // The last to come back waited for the longest lag (n x lag).
    r.overshoot_s = r.downtime_s - lag * n - c.load_s - settle;
    result.crashes.push_back(r);
    if (!r.recovered) break;
  }
  if (stop != 0) return make_error("interrupted");
  return result;
}

}  // namespace headroom
