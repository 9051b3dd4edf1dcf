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
  std::string mem_dir;
  std::unique_ptr<Child> driver, supervisor;
  std::ofstream log;

  ~World() {
    if (supervisor) {
      supervisor->kill(SIGTERM);  // each supervisor stops its server on SIGTERM
      if (supervisor->wait(std::chrono::seconds(10)) == -1) supervisor->kill_group(SIGKILL);
      supervisor.reset();
    }
    if (driver) {
      driver->kill(SIGTERM);  // frees whatever it still holds
      driver->wait(std::chrono::seconds(5));
      driver.reset();
    }
    pool.reset();  // kills any process left in the pool, removes the cgroup
    if (!mem_dir.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(mem_dir, ec);
    }
  }
};

}  // namespace

const char* to_string(Policy p) {
  switch (p) {
    case Policy::kNaive:
      return "naive";
    case Policy::kSeed:
      return "wait-script";
    case Policy::kHeadroom:
      return "headroom";
  }
  return "?";
}

Result<Policy> parse_policy(std::string_view text) {
  if (text == "naive") return Policy::kNaive;
  if (text == "wait-script") return Policy::kSeed;
  if (text == "headroom") return Policy::kHeadroom;
  return make_error(fmt::format("policy \"{}\": expected naive, wait-script or headroom", text));
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
  w.mem_dir = fmt::format("/dev/shm/headroom-sim-{}-{}", ::getpid(), counter++);
  std::filesystem::create_directories(w.mem_dir);
  if (!c.log_path.empty()) w.log.open(c.log_path, std::ios::app);

  ChildOptions quiet;
  quiet.own_group = true;
  w.driver = std::make_unique<Child>(
      std::vector<std::string>{c.paths.lagdriver, "--dir", w.mem_dir, "--lag", "0", "--steps",
                               std::to_string(c.release_steps)},
      quiet);
  if (w.driver->read_line(std::chrono::seconds(5)).rfind("lagdriver:", 0) != 0) {
    return make_error(c.paths.lagdriver + " did not start");
  }

  const int port = free_tcp_port();
  const std::string url = fmt::format("http://127.0.0.1:{}", port);
  auto health = resolve_probe(*parse_http_url(url + "/health"), "GET", "");
  auto crash = resolve_probe(
      *parse_http_url(url + (c.fault == Fault::kWedge ? "/wedge" : "/crash")), "GET", "");
  if (!health || !crash) return make_error("cannot build the probe targets");

  const std::vector<std::string> server = {c.paths.standin,
                                           "--port",
                                           std::to_string(port),
                                           "--memory",
                                           std::to_string(c.server_mib),
                                           "--mem-dir",
                                           w.mem_dir,
                                           "--load",
                                           fmt::format("{}", c.load_s),
                                           "--join-cgroup",
                                           w.pool->dir()};
  std::vector<std::string> argv;
  double settle = 0;
  switch (c.policy) {
    case Policy::kHeadroom:
      settle = c.headroom_settle_s;
      argv = {c.paths.headroom,
              "run",
              "--no-gpu",
              "--name",
              "sim",
              "--cgroup",
              w.pool->name(),
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
              "--events",
              "/dev/null"};
      break;
    case Policy::kNaive:
      argv = {c.paths.sim, "naive"};
      break;
    case Policy::kSeed:
      argv = {c.paths.sim,  "wait-script",
              "--delay",    fmt::format("{}", c.seed_delay_s),
              "--poll",     fmt::format("{}", c.seed_poll_s),
              "--target",   std::to_string(c.target_mib),
              "--max-wait", "300",
              "--pool-dir", w.pool->dir(),
              "--script",   c.paths.seed_script};
      break;
  }
  argv.push_back("--");
  argv.insert(argv.end(), server.begin(), server.end());
  ChildOptions sup;
  sup.own_group = true;
  sup.merge_stderr = true;
  w.supervisor = std::make_unique<Child>(argv, sup);

  std::set<int> instances;
  // Forwards the supervisor's output and notes server instances; false when asked to stop.
  auto pump = [&] {
    for (std::string line;
         !(line = w.supervisor->read_line(std::chrono::milliseconds(0))).empty();) {
      if (w.log.is_open()) w.log << line << '\n';
      if (c.on_line) c.on_line(line);
    }
    while (!w.driver->read_line(std::chrono::milliseconds(0)).empty()) {
    }
    scan_instances(w.mem_dir, instances);
    return stop == 0;
  };
  // Polls /health every 20 ms until a server other than `exclude` answers; its pid, or 0.
  auto wait_healthy = [&](int exclude, double timeout_s) -> int {
    const auto t0 = Clock::now();
    while (since(t0) < timeout_s) {
      if (!pump()) return 0;
      std::string resp;
      if (probe_blocking(*health, std::chrono::milliseconds(200), &resp)) {
        const size_t at = resp.find("ok pid=");
        const int pid = at == std::string::npos ? -1 : std::atoi(resp.c_str() + at + 7);
        if (pid != exclude) return pid;
      }
      if (!w.supervisor->running()) return 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return 0;
  };
  auto pause_for = [&](double s) {
    const auto t0 = Clock::now();
    while (since(t0) < s && pump())
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  };

  std::set<int> counted;  // instances already reported as failed starts
  ScenarioResult result;
  result.policy = c.policy;
  result.settle_s = settle;
  int current = wait_healthy(-1, c.recover_timeout_s);
  if (current == 0) {
    return make_error(stop != 0 ? "interrupted"
                                : fmt::format("the {} supervisor never brought the server up",
                                              to_string(c.policy)));
  }
  for (double lag : c.lags) {
    pause_for(c.steady_s);
    if (stop != 0) return make_error("interrupted");
    w.driver->send(fmt::format("lag {}", lag));
    const uint64_t oom_before = w.pool->oom_kills();
    instances.clear();
    const auto fault_at = Clock::now();
    if (c.fault == Fault::kKill) {
      ::kill(current, SIGKILL);
    } else {
      probe_blocking(*crash, std::chrono::milliseconds(200));
    }
    CrashResult r;
    r.lag_s = lag;
    const int next = wait_healthy(current, c.recover_timeout_s);
    r.downtime_s = since(fault_at);
    r.recovered = next != 0;
    pump();
    r.oom_kills = w.pool->oom_kills() - oom_before;
    for (int pid : instances) {
      if (pid != current && pid != next && counted.insert(pid).second) ++r.failed_starts;
    }
    r.overshoot_s = r.downtime_s - lag - c.load_s - settle;
    result.crashes.push_back(r);
    if (!r.recovered) break;
    current = next;
  }
  if (stop != 0) return make_error("interrupted");
  return result;
}

}  // namespace headroom
