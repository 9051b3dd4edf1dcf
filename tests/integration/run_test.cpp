// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `headroom run` on the real kernel: a memory cgroup as the unified pool, the stand-in server
// keeping its memory in tmpfs, and the lag driver holding that memory after a death and freeing
// it later, as a GPU driver's slow teardown does. Real OOM kills, real signals, real HTTP.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "core/duration.h"
#include "core/size.h"
#include "helpers/events.h"
#include "helpers/mem_dir.h"
#include "helpers/subprocess.h"
#include "probe/processes.h"
#include "sim/pool.h"

namespace headroom {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;
using test::Child;
using test::http_get;
using test::read_events;
using test::wait_event;

using test::event_is;

int count(const std::string& path, const std::string& event) {
  int n = 0;
  for (const json& e : read_events(path))
    n += e.value("event", "") == event ? 1 : 0;
  return n;
}

// Every process in a process group, zombies excluded.
std::vector<int> group_members(int pgid) {
  std::vector<int> out;
  auto table = scan_processes(Root());
  if (!table) return out;
  for (const ProcStat& p : *table) {
    if (p.pgid == pgid && p.state != 'Z') out.push_back(p.pid);
  }
  return out;
}

// Polls `cond` until it holds; false only after the guard (a hang).
bool wait_until(const std::function<bool()>& cond,
                std::chrono::milliseconds timeout = test::kPatience) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return cond();
}

// GETs `path` until the answer contains `needle` (any answer for ""); returns the last answer.
std::string get_until(int port, const std::string& path, const std::string& needle,
                      std::chrono::milliseconds timeout = test::kPatience) {
  std::string answer;
  wait_until(
      [&] {
        answer = http_get(port, path);
        return !answer.empty() && answer.find(needle) != std::string::npos;
      },
      timeout);
  return answer;
}

// One test's world: a 1 GiB pool, a tmpfs directory for the server's memory, a lag driver.
class RunWorld : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    auto made = Pool::create("headroom-test-run", 1 * kGiB);
    if (made) {
      pool_ = std::move(*made);
    } else {
      pool_error_ = made.error().message;
    }
    events_ = test::scratch_dir() + "/run-" + std::to_string(::getpid()) + ".events.jsonl";
    fs::remove(events_);
    port_ = free_tcp_port();
  }
  void TearDown() override {
    headroom_.reset();
    driver_.reset();
    pool_.reset();
    mem_.reset();
  }
  // True when the test cannot run here: not root. As root a missing pool is a failure.
  bool skip() {
    if (!pool_) {
      if (::geteuid() != 0) return true;
      ADD_FAILURE() << pool_error_;
      return true;
    }
    mem_ = std::make_unique<test::MemDir>("run", 4 * kGiB);
    mem_dir_ = mem_->path();
    return false;
  }

  void start_driver(const std::string& lag) {
    driver_ = std::make_unique<Child>(std::vector<std::string>{test::sim_bin("headroom-lagdriver"),
                                                               "--dir", mem_dir_, "--lag", lag});
    ASSERT_EQ(driver_->read_line().rfind("lagdriver: watching", 0), 0u);
  }

  // headroom run gating on the pool, supervising the stand-in, which joins the pool the way a
  // container runtime places a container; headroom's own memory stays out of the pool.
  void start(std::vector<std::string> run_flags, std::vector<std::string> server_flags) {
    std::vector<std::string> argv = {
        test::headroom_bin(), "run", "--no-gpu", "--events", events_, "--cgroup", pool_->name()};
    argv.insert(argv.end(), run_flags.begin(), run_flags.end());
    argv.insert(argv.end(), {"--", test::sim_bin("headroom-standin"), "--port",
                             std::to_string(port_), "--join-cgroup", pool_->dir()});
    argv.insert(argv.end(), server_flags.begin(), server_flags.end());
    headroom_ = std::make_unique<Child>(argv);
  }

  std::string health() const { return "http://127.0.0.1:" + std::to_string(port_) + "/health"; }

  std::unique_ptr<Pool> pool_;
  std::string pool_error_;
  std::unique_ptr<Child> driver_, headroom_;
  std::unique_ptr<test::MemDir> mem_;
  std::string mem_dir_, events_;
  int port_ = 0;
};

TEST_F(RunWorld, RestartWaitsForTheLaggedReleaseWithoutOomKills) {
  if (skip()) GTEST_SKIP() << pool_error_;
  start_driver("2");
  const uint64_t ooms = pool_->oom_kills();
  start({"--free", "650M", "--settle", "300ms", "--health", health(), "--health-interval", "500ms"},
        {"--memory", "600", "--mem-dir", mem_dir_, "--load", "0.3"});
  ASSERT_FALSE(wait_event(events_, event_is("ready")).is_null())
      << "the first instance became healthy";

  http_get(port_, "/crash");
  const auto release = test::read_release(*driver_);
  ASSERT_TRUE(release) << "the lag driver released the dead server's memory";
  ASSERT_EQ(release->steps.size(), 1u);
  // Stamped before the pages went: the gate cannot have seen them free any earlier.
  const double freed = release->steps[0].at;

  const json second = wait_event(events_, event_is("started", 2));
  ASSERT_FALSE(second.is_null()) << "restarted";
  ASSERT_FALSE(wait_event(events_, [](const json& e) {
                 return e.value("event", "") == "ready" && e.value("seconds", 0.0) > 0 &&
                        e.value("pid", 0) != 0;
               }).is_null());
  const double started = second["monotonic_s"].get<double>();
  EXPECT_GE(started, freed + 0.3) << "not before the memory was back and the 0.3 s settle held";
  // How soon after is a benchmark's claim (bench/supervise), not a test's.
  std::printf("released -> restarted: %.3f s (settle 0.3 s)\n", started - freed);
  EXPECT_EQ(pool_->oom_kills(), ooms) << "no OOM kill in the pool";

  const json died = wait_event(events_, event_is("died"));
  EXPECT_EQ(died["verdict"], "died: SIGSEGV");
  headroom_->kill(SIGTERM);
  const int status = headroom_->wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(RunWorld, WithoutTheGateTheRestartIsOomKilledAndTheVerdictSaysSo) {
  if (skip()) GTEST_SKIP() << pool_error_;
  // The driver holds the dead server's memory for the whole test (however slow the machine, the
  // restart lands while it is held); the teardown frees it.
  start_driver("3600");
  const uint64_t ooms = pool_->oom_kills();
  // No --free: the gate only waits for the old processes to exit, which they do at once.
  start({"--settle", "0", "--burst", "2"},
        {"--memory", "600", "--mem-dir", mem_dir_, "--load", "0.3", "--crash-after", "1"});
  const int status = headroom_->wait();
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 137) << "exits with the server's status: SIGKILL";
  EXPECT_GT(pool_->oom_kills(), ooms);
  const json gave_up = wait_event(events_, event_is("gave_up"));
  ASSERT_FALSE(gave_up.is_null());
  const std::string verdict = gave_up["verdict"];
  EXPECT_EQ(verdict.rfind("died: killed by the kernel OOM killer (cgroup " + pool_->name(), 0), 0u)
      << verdict;
  EXPECT_EQ(gave_up["reason"], "oom");

  const test::RunResult why = test::run({test::headroom_bin(), "why", "--events", events_});
  EXPECT_EQ(why.exit_code, 0);
  EXPECT_NE(why.out.find("killed by the kernel OOM killer"), std::string::npos) << why.out;
  EXPECT_NE(why.out.find("died: SIGSEGV"), std::string::npos) << why.out;
}

TEST_F(RunWorld, AWedgedServerIsRestartedAndMetricsShowIt) {
  if (skip()) GTEST_SKIP() << pool_error_;
  const int metrics = free_tcp_port();
  start({"--settle", "0", "--health", health(), "--health-interval", "300ms", "--health-timeout",
         "300ms", "--health-failures", "3", "--metrics", "127.0.0.1:" + std::to_string(metrics),
         "--stop-timeout", "1s"},
        {"--load", "0.2", "--wedge-after", "1.5"});
  ASSERT_FALSE(wait_event(events_, event_is("started", 2)).is_null());
  const json died = wait_event(events_, event_is("died"));
  EXPECT_EQ(died["verdict"],
            "restarting: wedged (3 health checks failed in a row; last: health probe: no answer "
            "within 300ms)");
  EXPECT_EQ(died["reason"], "wedged");
  const std::string m = get_until(metrics, "/metrics", "headroom_ready 1");
  ASSERT_NE(m.find("headroom_ready 1"), std::string::npos) << m;
  EXPECT_NE(m.find("headroom_restarts_total{reason=\"wedged\"} 1"), std::string::npos) << m;
  EXPECT_NE(m.find("headroom_starts_total 2"), std::string::npos) << m;
  EXPECT_NE(m.find("headroom_memory_total_bytes 1073741824"), std::string::npos) << m;
  EXPECT_NE(m.find("headroom_gate_wait_seconds_count 2"), std::string::npos) << m;
  EXPECT_NE(http_get(metrics, "/nope").find("404"), std::string::npos);
  EXPECT_NE(http_get(metrics, "/live").find("200 OK"), std::string::npos);  // wedged or not
  // A scrape with parameters is a scrape; the series with fixed labels are there at 0.
  const std::string q = http_get(metrics, "/metrics?collect%5B%5D=x");
  EXPECT_NE(q.find("200 OK"), std::string::npos) << q;
  EXPECT_NE(q.find("headroom_restarts_total{reason=\"oom\"} 0"), std::string::npos) << q;
  int phases = 0, current = 0;
  for (size_t at = q.find("\nheadroom_phase{"); at != std::string::npos;
       at = q.find("\nheadroom_phase{", at + 1)) {
    ++phases;
    current += q.compare(q.find('\n', at + 1) - 2, 2, " 1") == 0 ? 1 : 0;
  }
  EXPECT_EQ(phases, 5) << q;
  EXPECT_EQ(current, 1) << "one phase at a time: " << q;
  EXPECT_NE(q.find("headroom_build_info{version=\""), std::string::npos) << q;
  const test::RunResult post =
      test::run({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                 "http://127.0.0.1:" + std::to_string(metrics) + "/metrics"});
  EXPECT_EQ(post.out, "405") << "only GET and HEAD";
  // Prometheus' own linter on the exposition (promtool, Debian's prometheus package).
  const std::string scraped = test::scratch_dir() + "/metrics-" + std::to_string(::getpid());
  { std::ofstream(scraped) << q.substr(q.find("\r\n\r\n") + 4); }
  const test::RunResult lint = test::run({"/bin/sh", "-c", "promtool check metrics < " + scraped});
  ASSERT_NE(lint.exit_code, 127) << "promtool is missing: scripts/deps.sh test installs prometheus";
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  EXPECT_EQ(lint.out + lint.err, "") << "no lint problem";
  fs::remove(scraped);
  // The event file of a run with probes, a wedge and a stop, as docs/schema/event.schema.json.
  EXPECT_EQ(test::schema_errors("event", events_, true), "");
}

// /ready for a Kubernetes readiness or startup probe: 503 while the server loads, 200 once its
// health check passes; /live answers 200 all along (headroom restarts a wedged server itself).
TEST(Run, ReadyAnswers503WhileTheServerLoadsThen200) {
  const int metrics = free_tcp_port();
  const int port = free_tcp_port();
  // The stand-in loads until the test says so: "early" is early however slow the machine.
  const std::string loaded = test::scratch_dir() + "/loaded-" + std::to_string(::getpid());
  fs::remove(loaded);
  test::Child headroom({test::headroom_bin(), "run", "--no-gpu", "--no-lint", "--settle", "0",
                        "--health", "http://127.0.0.1:" + std::to_string(port) + "/health",
                        "--metrics", std::to_string(metrics), "--events", "/dev/null", "--",
                        test::sim_bin("headroom-standin"), "--port", std::to_string(port),
                        "--load-until", loaded});
  const std::string early = get_until(metrics, "/ready", "");
  ASSERT_FALSE(early.empty());
  EXPECT_NE(early.find("503 Service Unavailable"), std::string::npos) << early;
  EXPECT_NE(early.find("not ready: "), std::string::npos) << early;
  EXPECT_NE(http_get(metrics, "/live").find("200 OK"), std::string::npos);
  { std::ofstream(loaded) << "loaded\n"; }
  const std::string later = get_until(metrics, "/ready", "200 OK");
  EXPECT_NE(later.find("200 OK"), std::string::npos) << later;
  EXPECT_NE(later.find("ready: serving"), std::string::npos) << later;
  headroom.kill(SIGTERM);
  EXPECT_NE(headroom.wait(), -1);
  fs::remove(loaded);
}

TEST(Run, ACrashLoopStopsAtTheStartLimitWithTheServersStatus) {
  const std::string events = test::scratch_dir() + "/loop-" + std::to_string(::getpid()) + ".jsonl";
  fs::remove(events);
  const test::RunResult r =
      test::run({test::headroom_bin(), "run", "--no-gpu", "--settle", "0", "--events", events, "--",
                 test::sim_bin("headroom-standin"), "--port", std::to_string(free_tcp_port()),
                 "--crash-after", "0.2"});
  EXPECT_EQ(r.exit_code, 128 + SIGSEGV) << r.err;
  EXPECT_EQ(count(events, "started"), 3);
  EXPECT_NE(r.err.find("gave up: start limit reached: 3 failures within 10m 0s"), std::string::npos)
      << r.err;
}

// The server gets its words exactly: "[1,2,4]" is one word (CLI11 would split a bracketed list),
// and a second `--` is the server's.
TEST(Run, TheServerGetsItsArgumentsWordForWord) {
  const std::string out = test::scratch_dir() + "/words-" + std::to_string(::getpid()) + ".txt";
  const std::vector<std::string> words = {"[1,2,4]",         "[x]", "a,b",   "--",
                                          "{\"k\": [1, 2]}", "",    "--name"};
  std::vector<std::string> argv = {test::headroom_bin(),
                                   "run",
                                   "--no-gpu",
                                   "--no-lint",
                                   "--settle",
                                   "0",
                                   "--restart",
                                   "no",
                                   "--name",
                                   "words",
                                   "--",
                                   "/bin/sh",
                                   "-c",
                                   "printf '%s\\n' \"$@\" > " + out,
                                   "sh"};
  argv.insert(argv.end(), words.begin(), words.end());
  const test::RunResult r = test::run(argv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(out);
  std::vector<std::string> got;
  for (std::string line; std::getline(in, line);)
    got.push_back(line);
  EXPECT_EQ(got, words);
}

TEST(Run, SigtermStopsTheWholeTreeEvenWorkersIgnoringIt) {
  const std::string events = test::scratch_dir() + "/stop-" + std::to_string(::getpid()) + ".jsonl";
  fs::remove(events);
  Child hr({test::headroom_bin(), "run", "--no-gpu", "--settle", "0", "--stop-timeout", "1s",
            "--events", events, "--", test::sim_bin("headroom-standin"), "--port",
            std::to_string(free_tcp_port()), "--workers", "3", "--ignore-term"});
  const json started = wait_event(events, event_is("started"));
  ASSERT_FALSE(started.is_null());
  const int pgid = started["pid"];
  ASSERT_TRUE(wait_until([&] { return group_members(pgid).size() == 4; }))
      << "the server and its 3 workers";
  const auto t0 = Clock::now();
  hr.kill(SIGTERM);
  const int status = hr.wait();
  const double took = std::chrono::duration<double>(Clock::now() - t0).count();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0)
      << "a requested stop is a success, SIGKILL after the timeout too";
  EXPECT_GE(took, 0.9) << "the 1 s stop timeout was given to SIGTERM first";
  EXPECT_TRUE(group_members(pgid).empty()) << "nothing left behind";
  EXPECT_EQ(wait_event(events, event_is("died"))["verdict"],
            "stopped: SIGTERM did not end it, SIGKILL after the 1.0s stop timeout");
}

TEST(Run, SigkillToHeadroomLeavesNoOrphans) {
  const std::string events = test::scratch_dir() + "/kill-" + std::to_string(::getpid()) + ".jsonl";
  fs::remove(events);
  Child hr({test::headroom_bin(), "run", "--no-gpu", "--settle", "0", "--events", events, "--",
            test::sim_bin("headroom-standin"), "--port", std::to_string(free_tcp_port()),
            "--workers", "3", "--ignore-term"});
  const json started = wait_event(events, event_is("started"));
  ASSERT_FALSE(started.is_null());
  const int pgid = started["pid"];
  ASSERT_TRUE(wait_until([&] { return group_members(pgid).size() == 4; }));
  hr.kill(SIGKILL);
  hr.wait();
  EXPECT_TRUE(wait_until([&] { return group_members(pgid).empty(); }))
      << "the guardian kills the server's process group";
}

TEST(Run, NotifySocketGetsReadyAndStatusInOrder) {
  const std::string sock = test::scratch_dir() + "/notify-" + std::to_string(::getpid());
  fs::remove(sock);
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", sock.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  const int port = free_tcp_port();
  Child hr({test::headroom_bin(), "run", "--no-gpu", "--settle", "200ms", "--health",
            "http://127.0.0.1:" + std::to_string(port) + "/health", "--events", "/dev/null", "--",
            test::sim_bin("headroom-standin"), "--port", std::to_string(port), "--load", "0.5"},
           {"NOTIFY_SOCKET=" + sock});
  std::vector<std::string> got;
  timeval tv{0, 100000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const auto deadline = Clock::now() + test::kPatience;
  bool sent_term = false;
  while (Clock::now() < deadline) {
    char buf[512];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) got.emplace_back(buf, static_cast<size_t>(n));
    if (!sent_term && !got.empty() && got.back() == "READY=1") {
      hr.kill(SIGTERM);
      sent_term = true;
    }
    if (sent_term && hr.wait(std::chrono::milliseconds(0)) != -1) break;
  }
  ::close(fd);
  fs::remove(sock);
  auto index = [&](const std::string& prefix) {
    for (size_t i = 0; i < got.size(); ++i) {
      if (got[i].rfind(prefix, 0) == 0) return static_cast<int>(i);
    }
    return -1;
  };
  std::string all;
  for (const std::string& g : got)
    all += g + " | ";
  const int waiting = index("STATUS=waiting for memory");
  const int extend = index("EXTEND_TIMEOUT_USEC=");
  const int loading = index("STATUS=loading");
  const int ready = index("READY=1");
  const int serving = index("STATUS=serving");
  const int stopping = index("STOPPING=1");
  EXPECT_GE(waiting, 0) << all;
  EXPECT_GE(extend, 0) << all;
  EXPECT_LT(waiting, loading) << all;
  EXPECT_LT(loading, serving) << all;
  EXPECT_LT(serving, ready) << all;
  EXPECT_LT(ready, stopping) << all;
}

TEST(Run, TheGateWaitsUntilTheDeadServerLeavesTheGpuProcessList) {
  // A fake libnvidia-ml.so.1 lists the dead server's PID as a GPU process until the test clears
  // it, as a GPU driver does while it tears the context down.
  const std::string base = test::scratch_dir() + "/gpu-" + std::to_string(::getpid());
  const std::string events = base + ".jsonl", procs = base + ".procs";
  fs::remove(events);
  fs::remove(procs);
  // The server crashes once the test has put its PID in the fake GPU process list.
  const std::string go = base + ".go";
  fs::remove(go);
  ChildOptions opts;
  opts.env = {std::string("HEADROOM_NVML_LIBRARY=") + FAKE_NVML_LIB,
              "FAKE_NVML_PROCS_FILE=" + procs};
  opts.merge_stderr = true;
  Child hr({test::headroom_bin(), "run", "--settle", "0", "--events", events, "--",
            test::sim_bin("headroom-standin"), "--port", std::to_string(free_tcp_port()),
            "--crash-when", go},
           opts);
  const json first = wait_event(events, event_is("started", 1));
  ASSERT_FALSE(first.is_null());
  { std::ofstream(procs) << first["pid"].get<int>() << " 42949672960\n"; }
  { std::ofstream(go) << "crash\n"; }
  // The gate says what holds it: the dead PID still in the GPU's list.
  std::string line;
  while ((line = hr.read_line()).find("waiting for the previous instance") == std::string::npos) {
    ASSERT_FALSE(line.empty()) << "headroom never reported the GPU entry holding the gate";
  }
  EXPECT_NE(line.find("still holds 40.0 GiB on GPU 0"), std::string::npos) << line;
  EXPECT_EQ(count(events, "started"), 1) << "held while the GPU still lists the dead PID";
  const double cleared = to_seconds(std::chrono::steady_clock::now().time_since_epoch());
  fs::remove(procs);
  const json second = wait_event(events, event_is("started", 2));
  ASSERT_FALSE(second.is_null());
  EXPECT_GE(second["monotonic_s"].get<double>(), cleared) << "not before the GPU let go";
  hr.kill(SIGTERM);
  hr.wait();
  fs::remove(go);
}

TEST(Run, BadInputIsAClearErrorAndLeavesNothingRunning) {
  const std::string hr = test::headroom_bin();
  test::RunResult r = test::run({hr, "run", "--no-gpu"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no command to run"), std::string::npos) << r.err;
  r = test::run({hr, "run", "--bogus", "--", "true"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--bogus"), std::string::npos) << r.err;
  r = test::run({hr, "run", "--restart", "sometimes", "--", "true"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("expected no, on-failure or always"), std::string::npos) << r.err;
  r = test::run({hr, "run", "--health", "https://127.0.0.1/health", "--", "true"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("https is not supported"), std::string::npos) << r.err;
  r = test::run({hr, "run", "--stop-signal", "FOO", "--", "true"});
  EXPECT_EQ(r.exit_code, 2);

  // A command that does not exist: the shell's 127, one attempt, no restart storm.
  const std::string events = test::scratch_dir() + "/exec-" + std::to_string(::getpid()) + ".jsonl";
  fs::remove(events);
  r = test::run({hr, "run", "--no-gpu", "--settle", "0", "--events", events, "--",
                 "/nonexistent/sglang-server", "--port", "1"});
  EXPECT_EQ(r.exit_code, 127) << r.err;
  EXPECT_NE(r.err.find("failed to start: /nonexistent/sglang-server: No such file or directory"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(count(events, "gate_opened"), 1);

  // A health URL nothing answers: not healthy within the startup timeout, restarted, given up.
  const int port = free_tcp_port();
  fs::remove(events);
  r = test::run({hr, "run", "--no-gpu", "--settle", "0", "--events", events, "--health",
                 "http://127.0.0.1:" + std::to_string(free_tcp_port()) + "/health",
                 "--startup-timeout", "1s", "--burst", "2", "--stop-timeout", "1s", "--",
                 test::sim_bin("headroom-standin"), "--port", std::to_string(port)});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("not healthy within the 1.0s startup timeout"), std::string::npos) << r.err;
  EXPECT_EQ(http_get(port, "/health"), "") << "the server was stopped";
}

}  // namespace
}  // namespace headroom
