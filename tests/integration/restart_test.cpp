// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `headroom restart` of a systemd unit (through a stand-in systemctl: PID 1 here is not systemd)
// and of a running `headroom run` (SIGHUP through the registry).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "act/registry.h"
#include "helpers/events.h"
#include "helpers/subprocess.h"

namespace headroom {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// A systemctl for one unit whose state lives in a file: stop and start finish 0.5 s later, in
// the background, as systemd's jobs do (headroom polls ActiveState until they are done).
class FakeSystemd : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::scratch_dir() + "/systemd-" + std::to_string(::getpid());
    fs::create_directories(dir_ + "/bin");
    std::ofstream(dir_ + "/state") << "active\n";
    std::ofstream(dir_ + "/bin/systemctl") << R"(#!/bin/bash
echo "$*" >> "$FAKE_SYSTEMD_DIR/log"
unit="${@: -1}"
if [ "$unit" != "fake.service" ]; then
  [ "$1" = show ] && { [ "$3" = LoadState ] && echo not-found; exit 0; }
  echo "Unit $unit not found." >&2; exit 5
fi
case "$1" in
  show)
    case "$3" in
      LoadState) echo loaded ;;
      ActiveState) cat "$FAKE_SYSTEMD_DIR/state" ;;
      ControlGroup) echo "" ;;
    esac ;;
  stop) echo deactivating > "$FAKE_SYSTEMD_DIR/state"
        (sleep 0.5; echo inactive > "$FAKE_SYSTEMD_DIR/state") >/dev/null 2>&1 & ;;
  start) echo activating > "$FAKE_SYSTEMD_DIR/state"
         (sleep 0.5; echo active > "$FAKE_SYSTEMD_DIR/state") >/dev/null 2>&1 & ;;
esac
)";
    ::chmod((dir_ + "/bin/systemctl").c_str(), 0755);
    env_ = {"PATH=" + dir_ + "/bin:" + std::string(std::getenv("PATH")),
            "FAKE_SYSTEMD_DIR=" + dir_};
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string log() {
    std::ifstream in(dir_ + "/log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  std::string dir_;
  std::vector<std::string> env_;
};

TEST_F(FakeSystemd, AUnitIsStoppedWaitedForGatedAndStarted) {
  const test::RunResult r =
      test::run({test::headroom_bin(), "restart", "unit:fake", "--no-gpu", "--settle", "0"}, env_);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("restarted systemd unit fake.service"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ActiveState=active"), std::string::npos) << r.out;
  const std::string calls = log();
  const size_t stop = calls.find("stop fake.service");
  const size_t start = calls.find("start --no-block fake.service");
  ASSERT_NE(stop, std::string::npos) << calls;
  ASSERT_NE(start, std::string::npos) << calls;
  EXPECT_LT(stop, start);
  EXPECT_NE(calls.find("show -p ActiveState --value fake.service"), std::string::npos);

  // --json: the steps as docs/schema/restart.schema.json says.
  const test::RunResult j = test::run(
      {test::headroom_bin(), "restart", "unit:fake", "--no-gpu", "--settle", "0", "--json"}, env_);
  ASSERT_EQ(j.exit_code, 0) << j.out << j.err;
  std::ofstream(dir_ + "/restart.json") << j.out;
  EXPECT_EQ(test::schema_errors("restart", dir_ + "/restart.json"), "");
}

TEST_F(FakeSystemd, AnUnknownUnitIsRefused) {
  const test::RunResult r =
      test::run({test::headroom_bin(), "restart", "unit:nope.service", "--no-gpu"}, env_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("no unit nope.service here (LoadState=not-found)"), std::string::npos)
      << r.out;
  EXPECT_EQ(log().find("stop"), std::string::npos) << "nothing was stopped";
}

TEST(RestartHeadroom, ARunningSupervisorRestartsItsServerOnSighup) {
  const std::string name = "hr-test-" + std::to_string(::getpid());
  const std::string events = test::scratch_dir() + "/" + name + ".jsonl";
  fs::remove(events);
  const int port = free_tcp_port();
  test::Child run({test::headroom_bin(), "run", "--no-gpu", "--settle", "0", "--name", name,
                   "--events", events, "--health",
                   "http://127.0.0.1:" + std::to_string(port) + "/health", "--",
                   test::sim_bin("headroom-standin"), "--port", std::to_string(port)});
  // Registered once it runs.
  const auto deadline = Clock::now() + test::kPatience;
  while (!find_run(name).ok() && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(find_run(name).ok()) << find_run(name).error().message;
  ASSERT_FALSE(test::wait_nth(events, "ready").is_null()) << "the server became ready";

  const test::RunResult r = test::run({test::headroom_bin(), "restart", "headroom:" + name});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("sent SIGHUP"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("restarted headroom run " + name), std::string::npos) << r.out;
  std::ifstream in(events);
  const std::string all((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(all.find("\"attempt\":2"), std::string::npos) << "a second start";
  EXPECT_NE(all.find("restart requested (SIGHUP)"), std::string::npos);

  run.kill(SIGTERM);
  run.wait();
  EXPECT_FALSE(find_run(name).ok()) << "unregistered on exit";
  const test::RunResult gone = test::run({test::headroom_bin(), "restart", "headroom:" + name});
  EXPECT_EQ(gone.exit_code, 2);
  EXPECT_NE(gone.err.find("no headroom run named " + name + " is running here"), std::string::npos)
      << gone.err;
}

}  // namespace
}  // namespace headroom
