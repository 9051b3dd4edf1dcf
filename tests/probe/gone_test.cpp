// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// --gone against real processes, and the GPU process list through a fake GpuSource.
#include "probe/gone.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "core/fakes.h"
#include "helpers/subprocess.h"

namespace headroom {
namespace {

std::unique_ptr<ProcessGoneWatch> watch(const std::vector<GoneSpec>& specs, GpuSource* gpu) {
  auto w = ProcessGoneWatch::open(Root(), specs, gpu);
  EXPECT_TRUE(w.ok()) << (w.ok() ? "" : w.error().message);
  return w.ok() ? std::move(*w) : nullptr;
}

GoneSpec pid_spec(pid_t pid) {
  GoneSpec s;
  s.pid = static_cast<int>(pid);
  return s;
}

TEST(GoneSpec, Parses) {
  EXPECT_EQ(parse_gone_spec("4242")->pid, 4242);
  auto c = parse_gone_spec("cgroup:/system.slice/sglang.service");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->kind, GoneSpec::Kind::kCgroup);
  EXPECT_EQ(c->cgroup, "/system.slice/sglang.service");
  EXPECT_EQ(parse_gone_spec("sglang").error().message,
            "--gone \"sglang\": expected a process ID or cgroup:PATH");
  EXPECT_FALSE(parse_gone_spec("0").ok());
  EXPECT_FALSE(parse_gone_spec("-1").ok());
  EXPECT_FALSE(parse_gone_spec("99999999").ok());
  EXPECT_FALSE(parse_gone_spec("cgroup:").ok());
}

// Polls `cond` until it holds (the guard only ends a hang).
template <typename F>
bool poll_until(F cond) {
  const auto deadline = std::chrono::steady_clock::now() + test::kPatience;
  while (!cond()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    ::usleep(5000);
  }
  return true;
}

// Waits until the forked child has exec'd (its name is no longer the test's).
void wait_for_exec(pid_t pid, const std::string& comm) {
  ASSERT_TRUE(poll_until([&] {
    auto text = read_file("/proc/" + std::to_string(pid) + "/comm");
    return text && *text == comm + "\n";
  }));
}

TEST(Gone, ARunningProcessIsPendingUntilItExits) {
  test::Child child({"/bin/sleep", "30"});
  wait_for_exec(child.pid(), "sleep");
  auto w = watch({pid_spec(child.pid())}, nullptr);
  Pending left = *w->pending();
  ASSERT_EQ(left.count, 1);
  EXPECT_EQ(left.what, "process " + std::to_string(child.pid()) + " (sleep) is still running");
  child.kill(SIGKILL);
  // Not yet reaped: a zombie has already released its memory, so it counts as gone.
  EXPECT_TRUE(poll_until([&] {
    left = *w->pending();
    return left.count == 0;
  }));
  EXPECT_TRUE(left.what.empty());
  child.wait();
  EXPECT_EQ(w->pending()->count, 0) << "reaped: still gone";
}

TEST(Gone, APidThatDoesNotExistIsGone) {
  // Fork a child, reap it: its PID is free now.
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  auto w = watch({pid_spec(pid)}, nullptr);
  EXPECT_EQ(w->pending()->count, 0);
}

TEST(Gone, TheGpuProcessListHoldsTheGateAfterExit) {
  test::FakeGpuSource gpu;
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  gpu.procs = {GpuProcess{static_cast<uint32_t>(pid), 40 * 1024ULL * 1024 * 1024, true, 0},
               GpuProcess{1, 1024, true, 0}};
  auto w = watch({pid_spec(pid)}, &gpu);
  Pending left = *w->pending();
  EXPECT_EQ(left.count, 1);
  EXPECT_EQ(left.what, "process " + std::to_string(pid) + " still holds 40.0 GiB on GPU 0");
  gpu.procs.erase(gpu.procs.begin());  // the driver finished tearing it down
  EXPECT_EQ(w->pending()->count, 0);
}

GoneSpec cgroup_spec(const std::string& path) {
  GoneSpec s;
  s.kind = GoneSpec::Kind::kCgroup;
  s.cgroup = path;
  return s;
}

TEST(Gone, ACgroupThatDoesNotExistIsGone) {
  auto w = watch({cgroup_spec("/headroom-test-no-such-cgroup")}, nullptr);
  EXPECT_EQ(w->pending()->count, 0);
}

TEST(Gone, ACgroupWithProcessesIsPending) {
  // This process's own cgroup always holds at least this process.
  auto w = watch({cgroup_spec("self")}, nullptr);
  const Pending left = *w->pending();
  EXPECT_GE(left.count, 1);
  EXPECT_NE(left.what.find("still holds"), std::string::npos) << left.what;
}

// cgroup v2: a slice holds no process itself; its services do (tests/fixtures/gb10/README.md).
TEST(Gone, ASliceIsPendingWhileAServiceBelowItHoldsAProcess) {
  auto w = ProcessGoneWatch::open(Root(test::fixtures_dir() + "/gb10"),
                                  {cgroup_spec("/pool.slice")}, nullptr);
  ASSERT_TRUE(w.ok()) << w.error().message;
  const Pending left = *(*w)->pending();
  EXPECT_EQ(left.count, 1) << "one thing still pending";
  EXPECT_EQ(left.what, "cgroup /pool.slice still holds 2 processes (in /pool.slice/hog2.service)");
}

TEST(Gone, AnUnpopulatedSliceIsGoneWhateverDirectoriesStay) {
  auto w = ProcessGoneWatch::open(Root(test::fixtures_dir() + "/gb10"),
                                  {cgroup_spec("/idle.slice")}, nullptr);
  ASSERT_TRUE(w.ok()) << w.error().message;
  const Pending left = *(*w)->pending();
  EXPECT_EQ(left.count, 0);
  EXPECT_TRUE(left.what.empty()) << left.what;
}

}  // namespace
}  // namespace headroom
