// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The simulator's pieces are checked against the kernel: the pool's limit really OOM-kills, the
// lag driver holds a dead server's memory for the lag and no less, the same seed draws the same
// lags, and the reduced benchmark runs every policy (its timing claims are bench/run's: a test
// never bounds how long something takes).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <thread>

#include "core/size.h"
#include "helpers/events.h"
#include "helpers/subprocess.h"
#include "integration/pool_fixture.h"
#include "sim/bench.h"

namespace headroom {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using test::Child;

double secs(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

std::string mem_dir(const std::string& name) {
  const std::string d = "/dev/shm/headroom-test-" + std::to_string(::getpid()) + "-" + name;
  fs::create_directories(d);
  return d;
}

std::vector<std::string> standin(const Pool& pool, const std::string& dir, int mib) {
  return {test::sim_bin("headroom-standin"),
          "--port",
          "0",
          "--memory",
          std::to_string(mib),
          "--mem-dir",
          dir,
          "--join-cgroup",
          pool.dir()};
}

TEST(Sim, ThePoolsLimitReallyTriggersTheKernelOomKiller) {
  HEADROOM_POOL(pool, "headroom-test-simoom", 256 * kMiB);
  const std::string dir = mem_dir("oom");
  const uint64_t before = pool.oom_kills();
  Child server(standin(pool, dir, 400));
  const int status = server.wait();
  ASSERT_TRUE(WIFSIGNALED(status)) << status;
  EXPECT_EQ(WTERMSIG(status), SIGKILL) << "exit 137";
  EXPECT_EQ(pool.oom_kills(), before + 1);
  fs::remove_all(dir);
}

double monotonic_now() {
  return secs(Clock::now().time_since_epoch());  // CLOCK_MONOTONIC, the driver's clock
}

// The memory of a dead server stays charged to the pool for the lag (no less) and then goes:
// each release step is stamped before its pages are freed, so the pool can never be seen lower
// before the stamp, and the stamp never comes before death + lag.
TEST(Sim, TheDriverHoldsADeadServersMemoryForTheLagThenFreesIt) {
  HEADROOM_POOL(pool, "headroom-test-simlag", 1 * kGiB);
  const std::string dir = mem_dir("lag");
  Child driver({test::sim_bin("headroom-lagdriver"), "--dir", dir, "--lag", "0", "--steps", "2"});
  ASSERT_EQ(driver.read_line().rfind("lagdriver: watching", 0), 0u);
  driver.send("lag 0.5");
  for (int round = 0; round < 2; ++round) {
    Child server(standin(pool, dir, 300));
    ASSERT_NE(server.read_line().find("ready"), std::string::npos);
    const uint64_t held = pool.usage();
    ASSERT_GE(held, 300 * kMiB);
    const double killed = monotonic_now();
    server.kill(SIGKILL);
    server.wait();
    double dropped = 0;  // when the pool was first seen without most of it
    const auto deadline = Clock::now() + test::kPatience;
    while (Clock::now() < deadline) {
      const double t = monotonic_now();
      if (pool.usage() < held - 250 * kMiB) {
        dropped = t;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ASSERT_GT(dropped, 0) << "never released";
    const auto release = test::read_release(driver);
    ASSERT_TRUE(release) << "round " << round;
    ASSERT_EQ(release->steps.size(), 2u);
    EXPECT_GE(release->died, killed) << "the driver saw the death after it happened";
    EXPECT_GE(release->steps[0].at, release->died + 0.25) << "half at half the lag";
    EXPECT_EQ(release->steps[0].held_mib, 150u);
    EXPECT_GE(release->steps[1].at, release->died + 0.5) << "the rest at the lag, not before";
    EXPECT_EQ(release->steps[1].held_mib, 0u);
    EXPECT_GE(dropped, release->steps[1].at) << "not seen free before the driver freed it";
    EXPECT_DOUBLE_EQ(release->drawn, 0.5);
    std::printf("round %d: released %.3f s after the death (lag 0.5 s)\n", round,
                release->freed - release->died);
  }
  fs::remove_all(dir);
}

TEST(Sim, TheSameSeedDrawsTheSameLags) {
  BenchConfig b;
  b.crashes = 5;
  for (const char* dist : {"fixed", "uniform", "pareto"}) {
    b.distribution = dist;
    b.seed = 7;
    const auto first = draw_lags(b, 10);
    EXPECT_EQ(first, draw_lags(b, 10)) << dist;
    b.seed = 8;
    if (std::string(dist) != "fixed") {
      EXPECT_NE(first, draw_lags(b, 10)) << dist;
    }
    for (double l : first)
      EXPECT_GE(l, 0.0);
  }
  b.distribution = "uniform";
  for (double l : draw_lags(b, 10)) {
    EXPECT_GE(l, 0.5);
    EXPECT_LE(l, 1.5);
  }
}

// What does not depend on the machine's speed: every policy ran, headroom's gate opened only after
// the release (no OOM kill, no failed start), the seed's `free` poll waited for its target.
// Which policy is faster, and by how much, is the full benchmark's table (bench/run).
TEST(Sim, TheReducedBenchmarkRunsEveryPolicy) {
  if (::geteuid() != 0) GTEST_SKIP() << "the simulator needs root for its memory cgroup";
  const std::string out = test::scratch_dir() + "/bench-" + std::to_string(::getpid());
  const test::RunResult r =
      test::run({test::sim_bin("headroom-sim"), "bench", "--quick", "--json", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  std::map<std::string, nlohmann::json> by;
  for (const auto& row : j["results"]) {
    by[row["policy"].get<std::string>() + (row["servers"] == 2 ? " x2" : "")] = row;
  }
  ASSERT_EQ(by.size(), 7u) << r.out;
  EXPECT_EQ(by["headroom"]["oom_kills"], 0);
  EXPECT_EQ(by["headroom"]["failed_starts"], 0);
  EXPECT_EQ(by["wait-script"]["oom_kills"], 0) << "its target is right";
  EXPECT_TRUE(by["naive"].contains("oom_kills"));
  // Two servers crashing together: the pool's ledger lets them back one after the other
  // (the same scenario without it is in tests/integration/pool_test.cpp, OOM-killed).
  EXPECT_EQ(by["headroom x2"]["oom_kills"], 0) << r.out;
  EXPECT_EQ(by["headroom x2"]["failed_starts"], 0) << r.out;
  EXPECT_EQ(by["headroom x2"]["recovered"], 1) << r.out;
  EXPECT_TRUE(by["headroom-alone x2"].contains("oom_kills"));
  EXPECT_TRUE(fs::exists(out + "/table.md"));
  EXPECT_TRUE(fs::exists(out + "/results.json"));
  EXPECT_TRUE(fs::exists(out + "/restart.png")) << "gnuplot draws the plot";
  fs::remove_all(out);
}

TEST(Sim, CtrlCTearsEverythingDown) {
  if (::geteuid() != 0) GTEST_SKIP() << "the simulator needs root for its memory cgroup";
  Child sim({test::sim_bin("headroom-sim"), "scenario", "--policy", "headroom", "--lags", "5"});
  const std::string cgroup = "headroom-sim-" + std::to_string(sim.pid());
  auto cgroup_exists = [&] {
    for (const char* mnt : {"/sys/fs/cgroup/memory/", "/sys/fs/cgroup/"}) {
      if (fs::exists(mnt + cgroup)) return true;
    }
    return false;
  };
  // Set up: the pool exists and a stand-in holds its memory in the scenario's tmpfs directory.
  auto server_running = [&] {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/dev/shm", ec)) {
      const std::string n = e.path().filename().string();
      if (n.rfind("headroom-sim-" + std::to_string(sim.pid()) + "-", 0) != 0) continue;
      for (const auto& f : fs::directory_iterator(e.path(), ec)) {
        if (f.path().filename().string().rfind("standin-", 0) == 0) return true;
      }
    }
    return false;
  };
  const auto deadline = Clock::now() + test::kPatience;
  while (!(cgroup_exists() && server_running()) && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(cgroup_exists()) << "the pool is there while it runs";
  ASSERT_TRUE(server_running()) << "the server runs";
  sim.kill(SIGINT);
  const int status = sim.wait();
  ASSERT_NE(status, -1) << "it ended";
  EXPECT_FALSE(cgroup_exists()) << "the pool is removed";
  for (const auto& e : fs::directory_iterator("/dev/shm")) {
    EXPECT_EQ(e.path().filename().string().rfind("headroom-sim-" + std::to_string(sim.pid()), 0),
              std::string::npos)
        << e.path();
  }
}

}  // namespace
}  // namespace headroom
