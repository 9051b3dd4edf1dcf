// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `headroom wait` on the real kernel: a memory cgroup as the pool, a process holding memory in
// it, released on cue. The wait must open only after the release and the settle window (how soon
// after is bench/run's measurement, not a test's).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

#include "core/size.h"
#include "helpers/subprocess.h"
#include "integration/pool_fixture.h"

namespace headroom {
namespace {

using Clock = std::chrono::steady_clock;
using test::Child;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Starts the hold_memory helper inside the cgroup, holding `mib` MiB.
std::unique_ptr<Child> holder_in(const Pool& cg, int mib) {
  auto h = std::make_unique<Child>(std::vector<std::string>{test::helper_bin("hold_memory")});
  cg.add(h->pid());
  h->send("alloc " + std::to_string(mib));
  EXPECT_EQ(h->read_line(), "ok alloc " + std::to_string(static_cast<uint64_t>(mib) << 20));
  return h;
}

std::unique_ptr<Child> headroom_wait(std::vector<std::string> args) {
  args.insert(args.begin(), {test::headroom_bin(), "wait", "--no-gpu"});
  return std::make_unique<Child>(args);
}

// Reads the wait's log until its "waiting:" line: it sampled and is blocked.
void expect_waiting(Child& wait) {
  std::string line;
  for (int i = 0; i < 5; ++i) {
    line = wait.read_line();
    if (line.rfind("waiting:", 0) == 0) return;
  }
  FAIL() << "headroom wait never reported waiting; last line: " << line;
}

TEST(CgroupWait, OpensOnlyAfterTheReleaseAndTheSettleWindow) {
  HEADROOM_POOL(cg, "headroom-test-opens", 1 * kGiB);
  auto holder = holder_in(cg, 700);
  ASSERT_GE(cg.usage(), 700 * kMiB);

  auto wait =
      headroom_wait({"--cgroup", cg.name(), "--free", "600M", "--settle", "1s", "--timeout", "1h"});
  expect_waiting(*wait);  // it sampled the held memory and is blocked on it

  // "free" is answered once the memory is gone: the wait cannot have seen it free before this.
  const auto asked = Clock::now();
  holder->send("free");
  ASSERT_EQ(holder->read_line(), "ok free");
  const int status = wait->wait();
  const double opened_after = since(asked);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_GE(opened_after, 1.0) << "must hold for the 1 s settle window after the release";
  const std::string out = wait->drain();
  EXPECT_NE(out.find("Memory available: "), std::string::npos) << out;
  std::printf("released -> opened: %.3f s (settle 1 s)\n", opened_after);
}

TEST(CgroupWait, NeverReleasedTimesOutWithExitOne) {
  HEADROOM_POOL(cg, "headroom-test-timeout", 1 * kGiB);
  auto holder = holder_in(cg, 700);
  const auto start = Clock::now();
  const test::RunResult r = test::run({test::headroom_bin(), "wait", "--no-gpu", "--cgroup",
                                       cg.name(), "--free", "600M", "--timeout", "2s", "--json"});
  const double took = since(start);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_GE(took, 2.0) << "the whole timeout was waited";
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["result"], "timeout");
  EXPECT_GT(j["short_by_bytes"].get<uint64_t>(), 200 * kMiB);
  EXPECT_LT(j["available_bytes"].get<uint64_t>(), 400 * kMiB);
}

TEST(CgroupWait, GoneWaitsForTheHolderToExit) {
  HEADROOM_POOL(cg, "headroom-test-gone", 1 * kGiB);
  auto holder = holder_in(cg, 100);
  auto wait = headroom_wait({"--cgroup", cg.name(), "--gone", std::to_string(holder->pid()),
                             "--gone", "cgroup:" + cg.name(), "--settle", "0", "--timeout", "1h"});
  expect_waiting(*wait);  // blocked on the holder
  EXPECT_EQ(wait->wait(std::chrono::milliseconds(0)), -1) << "opened while the holder ran";
  holder->send("exit");
  holder->wait();
  const int status = wait->wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// A process in a child cgroup holds the parent too: on v2 a slice never holds processes itself
// (here, on v1, the same walk of descendants).
TEST(CgroupWait, GoneCgroupWaitsForAProcessInAChildCgroup) {
  HEADROOM_POOL(cg, "headroom-test-gone-child", 1 * kGiB);
  const std::string child_dir = cg.dir() + "/child";
  ASSERT_EQ(::mkdir(child_dir.c_str(), 0755), 0) << std::strerror(errno);
  struct RemoveChild {
    std::string dir;
    ~RemoveChild() { ::rmdir(dir.c_str()); }
  } remove_child{child_dir};
  auto holder = std::make_unique<Child>(std::vector<std::string>{test::helper_bin("hold_memory")});
  {
    std::ofstream procs(child_dir + "/cgroup.procs");
    procs << holder->pid() << "\n";
  }
  holder->send("alloc 10");
  ASSERT_EQ(holder->read_line(), "ok alloc " + std::to_string(10u << 20));

  auto wait = headroom_wait({"--gone", "cgroup:" + cg.name(), "--settle", "0", "--timeout", "1h"});
  std::string line;
  for (int i = 0; i < 5 && line.rfind("waiting:", 0) != 0; ++i)
    line = wait->read_line();
  EXPECT_NE(
      line.find("cgroup " + cg.name() + " still holds 1 process (in " + cg.name() + "/child)"),
      std::string::npos)
      << line;
  holder->send("exit");
  holder->wait();
  const int status = wait->wait();
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0) << wait->drain();
}

TEST(CgroupWait, ThePoolIsRealTheOomKillerFiresAndStatusCountsIt) {
  HEADROOM_POOL(cg, "headroom-test-oom", 256 * kMiB);
  const uint64_t before = cg.oom_kills();
  Child hog({test::helper_bin("hold_memory")});
  cg.add(hog.pid());
  hog.send("alloc 400");
  const int status = hog.wait();
  ASSERT_TRUE(WIFSIGNALED(status)) << "400 MiB in a 256 MiB pool must be killed";
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  EXPECT_EQ(cg.oom_kills(), before + 1);

  const test::RunResult r =
      test::run({test::headroom_bin(), "status", "--no-gpu", "--cgroup", cg.name(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["pool"]["cgroup"]["oom_kills"], before + 1);
  EXPECT_EQ(j["pool"]["total_bytes"], 256 * kMiB);
  EXPECT_EQ(j["pool"]["kind"], "cgroup");
}

}  // namespace
}  // namespace headroom
