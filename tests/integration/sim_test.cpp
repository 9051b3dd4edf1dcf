// The simulator's pieces are checked against the kernel: the pool's limit really OOM-kills, the
// lag driver releases on schedule, the same seed draws the same lags, and the reduced benchmark
// shows the qualitative result the full one is about.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <thread>

#include "core/size.h"
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
  const int status = server.wait(std::chrono::seconds(20));
  ASSERT_TRUE(WIFSIGNALED(status)) << status;
  EXPECT_EQ(WTERMSIG(status), SIGKILL) << "exit 137";
  EXPECT_EQ(pool.oom_kills(), before + 1);
  fs::remove_all(dir);
}

TEST(Sim, TheDriverReleasesOnScheduleWithin100ms) {
  HEADROOM_POOL(pool, "headroom-test-simlag", 1 * kGiB);
  const std::string dir = mem_dir("lag");
  Child driver({test::sim_bin("headroom-lagdriver"), "--dir", dir, "--lag", "0"});
  ASSERT_EQ(driver.read_line().rfind("lagdriver: watching", 0), 0u);
  driver.send("lag 0.5");
  for (int round = 0; round < 2; ++round) {
    Child server(standin(pool, dir, 300));
    ASSERT_NE(server.read_line().find("ready"), std::string::npos);
    const uint64_t held = pool.usage();
    ASSERT_GE(held, 300 * kMiB);
    server.kill(SIGKILL);
    server.wait();
    const auto died = Clock::now();
    // The memory stays charged to the pool for the lag, then goes at once.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_GE(pool.usage(), 300 * kMiB) << "still held 0.3 s after the death";
    Clock::time_point freed{};
    while (secs(Clock::now() - died) < 3) {
      if (pool.usage() < held - 250 * kMiB) {
        freed = Clock::now();
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ASSERT_NE(freed, Clock::time_point{}) << "never released";
    EXPECT_NEAR(secs(freed - died), 0.5, 0.1) << "round " << round;
    const std::string line = driver.read_line(std::chrono::seconds(2));
    EXPECT_NE(line.find("drawn=0.500"), std::string::npos) << line;
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

TEST(Sim, TheReducedBenchmarkShowsTheClaim) {
  if (::geteuid() != 0) GTEST_SKIP() << "the simulator needs root for its memory cgroup";
  const std::string out = test::scratch_dir() + "/bench-" + std::to_string(::getpid());
  const test::RunResult r =
      test::run({test::sim_bin("headroom-sim"), "bench", "--quick", "--json", "--out", out}, {},
                std::chrono::seconds(120));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  std::map<std::string, nlohmann::json> by;
  for (const auto& row : j["results"])
    by[row["policy"]] = row;
  ASSERT_EQ(by.size(), 3u) << r.out;
  EXPECT_EQ(by["headroom"]["oom_kills"], 0);
  EXPECT_EQ(by["headroom"]["failed_starts"], 0);
  EXPECT_LT(by["headroom"]["overshoot_s_median"].get<double>(),
            by["seed"]["overshoot_s_median"].get<double>());
  EXPECT_GE(by["naive"]["oom_kills"].get<int>(), 1) << "an immediate restart is OOM-killed";
  EXPECT_EQ(by["seed"]["oom_kills"], 0) << "its target is right";
  EXPECT_TRUE(fs::exists(out + "/table.md"));
  EXPECT_TRUE(fs::exists(out + "/results.json"));
  EXPECT_TRUE(fs::exists(out + "/restart.png")) << "gnuplot draws the plot";
  fs::remove_all(out);
}

TEST(Sim, CtrlCTearsEverythingDown) {
  if (::geteuid() != 0) GTEST_SKIP() << "the simulator needs root for its memory cgroup";
  Child sim({test::sim_bin("headroom-sim"), "scenario", "--policy", "headroom", "--lags", "5"});
  // Let it set up the pool and start the server, then interrupt.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  const std::string cgroup = "headroom-sim-" + std::to_string(sim.pid());
  auto cgroup_exists = [&] {
    for (const char* mnt : {"/sys/fs/cgroup/memory/", "/sys/fs/cgroup/"}) {
      if (fs::exists(mnt + cgroup)) return true;
    }
    return false;
  };
  ASSERT_TRUE(cgroup_exists()) << "the pool is there while it runs";
  sim.kill(SIGINT);
  const int status = sim.wait(std::chrono::seconds(20));
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
