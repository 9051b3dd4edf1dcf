// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Docker, for real: an engine started by the test script (tests/docker/dockerd.sh, Debian's
// docker.io), an image made with `docker import` from busybox-static and the stand-in server
// linked statically (no registry). Without an engine these tests skip and say why; CI starts one.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "act/docker.h"
#include "act/http_probe.h"
#include "core/size.h"
#include "core/url.h"
#include "helpers/events.h"
#include "helpers/mem_dir.h"
#include "helpers/subprocess.h"
#include "integration/pool_fixture.h"

namespace headroom {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;
using test::Child;
using test::http_get;

constexpr const char* kImage = "headroom-standin:test";

// The nth event named `event` (test::wait_nth).
json wait_event(const std::string& path, const std::string& event, int nth = 1) {
  return test::wait_nth(path, event, nth);
}

// The PIDs /proc/locks lists as blocked on a lock ("N: -> FLOCK ADVISORY WRITE PID ...").
bool blocked_on_a_lock(pid_t pid) {
  std::ifstream in("/proc/locks");
  for (std::string line; std::getline(in, line);) {
    if (line.find("->") == std::string::npos) continue;
    std::istringstream words(line.substr(line.find("->") + 2));
    std::string kind, advisory, mode;
    pid_t who = 0;
    if (words >> kind >> advisory >> mode >> who && who == pid) return true;
  }
  return false;
}

class DockerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = DockerClient::open();
    if (!c) GTEST_SKIP() << c.error().message;
    client_ = std::move(*c);
    if (Status st = client_->ping(); !st) {
      GTEST_SKIP() << "no Docker engine: " << st.error().message
                   << " (tests/docker/dockerd.sh start runs one; scripts/test does)";
    }
    ensure_image();
    prefix_ = "hr-test-" + std::to_string(::getpid()) + "-";
  }
  void TearDown() override {
    for (const std::string& n : names_)
      docker({"rm", "-f", n});
  }

  static test::RunResult docker(std::vector<std::string> args) {
    args.insert(args.begin(), "docker");
    return test::run(args);
  }

  // The test image: busybox-static and the stand-in, imported from a tarball.
  void ensure_image() {
    const test::RunResult r = test::run({HEADROOM_SOURCE_DIR "/tests/docker/make-image.sh",
                                         test::sim_bin("headroom-standin-static"), kImage});
    ASSERT_EQ(r.exit_code, 0) << "tests/docker/make-image.sh: " << r.err;
  }

  std::string name(const std::string& suffix) {
    names_.push_back(prefix_ + suffix);
    return names_.back();
  }

  std::unique_ptr<DockerApi> client_;
  std::string prefix_;
  std::vector<std::string> names_;
};

TEST(DockerEngine, AnUnreachableEngineIsAClearError) {
  const std::vector<std::string> env = {"DOCKER_HOST=unix:///nonexistent/docker.sock"};
  test::RunResult r = test::run({test::headroom_bin(), "restart", "docker:x"}, env);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot reach the Docker engine at /nonexistent/docker.sock"),
            std::string::npos)
      << r.err;
  r = test::run({test::headroom_bin(), "run", "--", "docker", "run", "img"}, env);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent/docker.sock"), std::string::npos) << r.err;
  r = test::run({test::headroom_bin(), "restart", "x"}, {"DOCKER_HOST=tcp://10.0.0.1:2375"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("only unix:// sockets are supported"), std::string::npos) << r.err;
}

TEST(DockerEngine, RunRefusesLinesDockerWouldReject) {
  const std::string hr = test::headroom_bin();
  test::RunResult r = test::run({hr, "run", "--", "docker", "run", "--rm", "--attention-backend",
                                 "flashinfer", "img", "serve"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--attention-backend comes before the image img"), std::string::npos)
      << r.err;
  r = test::run({hr, "run", "--", "docker", "run", "-d", "img"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("drop -d/--detach"), std::string::npos) << r.err;
  r = test::run({hr, "run", "--", "docker", "run", "--restart", "unless-stopped", "img"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("drop --restart"), std::string::npos) << r.err;
}

// The seed's scenario in a container: the server's memory lives in a host tmpfs directory
// mounted into the container and charged to the pool (--cgroup-parent); the lag driver holds
// it after each death.
class DockerPoolTest : public DockerTest {
 protected:
  void SetUp() override {
    DockerTest::SetUp();
    if (IsSkipped()) return;
    auto p = Pool::create("headroom-test-docker", 1 * kGiB);
    if (!p) {
      if (::geteuid() != 0) GTEST_SKIP() << p.error().message;
      FAIL() << p.error().message;
    }
    pool_ = std::move(*p);
    mem_dir_ = std::make_unique<test::MemDir>("docker", 4 * kGiB);
    mem_ = mem_dir_->path();
    events_ = test::scratch_dir() + "/docker-" + std::to_string(::getpid()) + ".jsonl";
    fs::remove(events_);
    port_ = free_tcp_port();
  }
  void TearDown() override {
    hr_.reset();
    DockerTest::TearDown();
    driver_.reset();
    pool_.reset();
    mem_dir_.reset();
  }
  void start_driver(const std::string& lag) {
    driver_ = std::make_unique<Child>(
        std::vector<std::string>{test::sim_bin("headroom-lagdriver"), "--dir", mem_, "--lag", lag});
    ASSERT_EQ(driver_->read_line().rfind("lagdriver:", 0), 0u);
  }
  void start(std::vector<std::string> run_flags, const std::string& container,
             std::vector<std::string> server_flags) {
    std::vector<std::string> argv = {
        test::headroom_bin(), "run", "--no-gpu", "--events", events_, "--cgroup", pool_->name()};
    argv.insert(argv.end(), run_flags.begin(), run_flags.end());
    argv.insert(argv.end(),
                {"--", "docker", "run", "--rm", "--name", container, "--init", "--network", "host",
                 "--cgroup-parent", pool_->name(), "-v", mem_ + ":/mem", kImage,
                 "/bin/headroom-standin", "--port", std::to_string(port_), "--mem-dir", "/mem"});
    argv.insert(argv.end(), server_flags.begin(), server_flags.end());
    hr_ = std::make_unique<Child>(argv);
  }
  std::unique_ptr<Pool> pool_;
  std::unique_ptr<Child> driver_, hr_;
  std::unique_ptr<test::MemDir> mem_dir_;
  std::string mem_, events_;
  int port_ = 0;
};

TEST_F(DockerPoolTest, ACrashedContainerIsRestartedAfterTheLaggedReleaseWithoutOomKills) {
  start_driver("2");
  const uint64_t ooms = pool_->oom_kills();
  start({"--free", "650M", "--settle", "300ms", "--health",
         "http://127.0.0.1:" + std::to_string(port_) + "/health", "--health-interval", "500ms"},
        name("t1"), {"--memory", "600", "--load", "0.3"});
  ASSERT_FALSE(wait_event(events_, "ready").is_null());
  ASSERT_GE(pool_->usage(), 600 * kMiB) << "the container's memory is charged to the pool";
  http_get(port_, "/crash");
  const auto release = test::read_release(*driver_);
  ASSERT_TRUE(release) << "the lag driver released the dead container's memory";
  ASSERT_EQ(release->steps.size(), 1u);
  const double freed = release->steps[0].at;  // stamped before the pages went
  const json second = wait_event(events_, "started", 2);
  ASSERT_FALSE(second.is_null());
  const double started = second["monotonic_s"];
  EXPECT_GE(started, freed + 0.3) << "not before the memory was back and the settle held";
  ASSERT_FALSE(wait_event(events_, "ready", 2).is_null()) << "the new container serves";
  EXPECT_EQ(pool_->oom_kills(), ooms);
  EXPECT_EQ(wait_event(events_, "died")["verdict"], "died: SIGSEGV");
  hr_->kill(SIGTERM);
  EXPECT_NE(hr_->wait(), -1);
  EXPECT_FALSE(client_->inspect(names_.front())->exists) << "stopped and removed (--rm)";
}

TEST_F(DockerPoolTest, WithoutTheGateTheRestartedContainerIsOomKilledAndTheVerdictSaysSo) {
  // The driver holds the dead server's memory for the whole test; the teardown frees it.
  start_driver("3600");
  const uint64_t ooms = pool_->oom_kills();
  start({"--settle", "0", "--burst", "2"}, name("t1b"),
        {"--memory", "600", "--load", "0.3", "--crash-after", "1"});
  const int status = hr_->wait();
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 137);
  // cgroup v1 counts the kill in the container's own cgroup (gone with --rm), v2 in the pool too.
  if (pool_->version() == 2) {
    EXPECT_GT(pool_->oom_kills(), ooms);
  }
  const json gave_up = wait_event(events_, "gave_up", 1);
  ASSERT_FALSE(gave_up.is_null());
  EXPECT_EQ(gave_up["reason"], "oom");
  const std::string verdict = gave_up["verdict"];
  EXPECT_EQ(verdict.rfind("died: killed by the kernel OOM killer", 0), 0u) << verdict;
}

TEST_F(DockerTest, AStaleContainerOfTheSameNameIsRemovedFirst) {
  const std::string n = name("stale");
  ASSERT_EQ(docker({"create", "--name", n, kImage, "/bin/headroom-standin"}).exit_code, 0);
  const test::RunResult r = test::run({test::headroom_bin(),
                                       "run",
                                       "--no-gpu",
                                       "--settle",
                                       "0",
                                       "--restart",
                                       "no",
                                       "--events",
                                       "/dev/null",
                                       "--",
                                       "docker",
                                       "run",
                                       "--rm",
                                       "--name",
                                       n,
                                       "--network",
                                       "none",
                                       kImage,
                                       "/bin/headroom-standin",
                                       "--port",
                                       "8000",
                                       "--exit-after",
                                       "0.3",
                                       "--exit-code",
                                       "0"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("removing a stale container named " + n + " (created)"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("exited: exit 0"), std::string::npos) << r.err;
}

TEST_F(DockerTest, RunNamesAContainerThatHasNoName) {
  const test::RunResult r = test::run({test::headroom_bin(),
                                       "run",
                                       "--no-gpu",
                                       "--settle",
                                       "0",
                                       "--restart",
                                       "no",
                                       "--name",
                                       prefix_ + "named",
                                       "--events",
                                       "/dev/null",
                                       "--",
                                       "docker",
                                       "run",
                                       "--rm",
                                       "--network",
                                       "none",
                                       kImage,
                                       "/bin/headroom-standin",
                                       "--port",
                                       "8000",
                                       "--exit-after",
                                       "0.2",
                                       "--exit-code",
                                       "0"});
  names_.push_back(prefix_ + "named");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("added --name " + prefix_ + "named to the docker run line"),
            std::string::npos)
      << r.err;
}

// The template unit's ExecStopPost=: `headroom run --config FILE --name N --cleanup` removes the
// container a SIGKILLed run of the same file left behind (named N by run), and only that.
TEST_F(DockerTest, CleanupRemovesTheContainerALostRunLeftBehind) {
  const std::string n = name("left");
  ASSERT_EQ(docker({"run", "-d", "--name", n, "--network", "none", kImage, "/bin/headroom-standin",
                    "--port", "8000"})
                .exit_code,
            0);
  const std::string toml = test::scratch_dir() + "/" + n + ".toml";
  std::ofstream(toml) << "no-gpu = true\ncommand = [\"docker\", \"run\", \"--network\", \"none\", "
                         "\""
                      << kImage << "\", \"/bin/headroom-standin\"]\n";
  const std::vector<std::string> cleanup = {
      test::headroom_bin(), "run", "--config", toml, "--name", n, "--cleanup"};
  const test::RunResult r = test::run(cleanup);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("removed the container " + n), std::string::npos) << r.err;
  EXPECT_NE(docker({"inspect", n}).exit_code, 0) << "the container is gone";
  // Again: nothing there, said, still 0 (ExecStopPost= after a clean stop).
  const test::RunResult again = test::run(cleanup);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("no container " + n + ": nothing to remove"), std::string::npos)
      << again.err;
}

class DockerRestartTest : public DockerTest {
 protected:
  void SetUp() override {
    DockerTest::SetUp();
    if (IsSkipped()) return;
    port_ = free_tcp_port();
    n_ = name("t2");
    ASSERT_EQ(docker({"run", "-d", "--name", n_, "--init", "--network", "host", kImage,
                      "/bin/headroom-standin", "--port", std::to_string(port_)})
                  .exit_code,
              0);
  }
  std::vector<std::string> restart(std::vector<std::string> extra) const {
    std::vector<std::string> argv = {
        test::headroom_bin(), "restart",  "docker:" + n_,
        "--no-gpu",           "--health", "http://127.0.0.1:" + std::to_string(port_) + "/health"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }
  int port_ = 0;
  std::string n_;
};

TEST_F(DockerRestartTest, StopGoneGateStartHealthyWithTimings) {
  const auto before = client_->inspect(n_);
  ASSERT_TRUE(before.ok() && before->exists);
  const test::RunResult r = test::run(restart({"--free", "100M", "--settle", "200ms", "--json"}));
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const json j = json::parse(r.out);
  EXPECT_TRUE(j["ok"].get<bool>());
  std::vector<std::string> steps;
  for (const json& s : j["steps"]) {
    steps.push_back(s["step"]);
    EXPECT_TRUE(s["ok"].get<bool>()) << s.dump();
    EXPECT_GE(s["seconds"].get<double>(), 0.0);
  }
  EXPECT_EQ(steps, (std::vector<std::string>{"stop", "gone", "gate", "start", "healthy"}));
  EXPECT_GE(j["steps"][2]["seconds"].get<double>(), 0.2) << "the settle window";
  const auto after = client_->inspect(n_);
  ASSERT_TRUE(after.ok() && after->exists);
  EXPECT_TRUE(after->state.running);
  EXPECT_NE(after->state.pid, before->state.pid) << "a new process";
  EXPECT_NE(http_get(port_, "/health").find("200"), std::string::npos);
}

TEST_F(DockerRestartTest, ConcurrentRestartsOfOneContainerTakeTurns) {
  // The first takes the lock ("restarting ..." is printed once it holds it) and is paused there;
  // a --no-wait one must fail at once; a third must queue behind it, blocked on the lock.
  Child first(restart({"--settle", "0"}));
  ASSERT_EQ(first.read_line().rfind("restarting docker container " + n_, 0), 0u);
  first.kill(SIGSTOP);
  const test::RunResult fast = test::run(restart({"--no-wait"}));
  EXPECT_EQ(fast.exit_code, 1) << fast.err;
  EXPECT_NE(fast.err.find("another `headroom restart` of docker-" + n_ + " is in progress"),
            std::string::npos)
      << fast.err;
  Child queued(restart({"--settle", "0"}));
  const auto deadline = Clock::now() + test::kPatience;
  while (!blocked_on_a_lock(queued.pid()) && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(blocked_on_a_lock(queued.pid())) << "the third queues behind the first";
  first.kill(SIGCONT);
  const int first_status = first.wait();
  ASSERT_TRUE(WIFEXITED(first_status));
  EXPECT_EQ(WEXITSTATUS(first_status), 0) << first.drain();
  const int queued_status = queued.wait();
  ASSERT_TRUE(WIFEXITED(queued_status));
  EXPECT_EQ(WEXITSTATUS(queued_status), 0) << queued.drain();
}

TEST_F(DockerTest, ARmContainerIsRefusedWithAWayOut) {
  const std::string n = name("rm");
  ASSERT_EQ(docker({"run", "-d", "--rm", "--name", n, "--init", "--network", "none", kImage,
                    "/bin/headroom-standin", "--port", "8000"})
                .exit_code,
            0);
  const test::RunResult r = test::run({test::headroom_bin(), "restart", n, "--no-gpu"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("was started with `docker run --rm`"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("headroom run --name " + n), std::string::npos) << r.out;
  EXPECT_TRUE(client_->inspect(n)->state.running) << "left as it was";
}

TEST_F(DockerRestartTest, TheEngineRestartingMidWaitIsSurvivedOrReportedNeverAHang) {
  Child r(restart({"--settle", "4s"}));
  // Its "gone" step is printed when done: from then on it is in the gate (settling 4 s).
  std::string line, out;
  while ((line = r.read_line()).rfind("  gone", 0) != 0) {
    ASSERT_FALSE(line.empty()) << "headroom restart never reached the gate: " << out;
    out += line + "\n";
  }
  out += line + "\n";
  const test::RunResult bounce =
      test::run({HEADROOM_SOURCE_DIR "/tests/docker/dockerd.sh", "restart"});
  ASSERT_EQ(bounce.exit_code, 0) << bounce.err;
  const int status = r.wait();
  ASSERT_NE(status, -1) << "headroom restart hung";
  ASSERT_TRUE(WIFEXITED(status));
  out += r.drain();
  if (WEXITSTATUS(status) != 0) {
    EXPECT_NE(out.find("Docker engine"), std::string::npos) << "a clear error: " << out;
  } else {
    EXPECT_NE(out.find("restarted docker container " + n_), std::string::npos) << out;
  }
}

}  // namespace
}  // namespace headroom
