// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `headroom restart docker:NAME` against an engine in memory (helpers/fake_docker.h): what
// DockerTarget asks of the engine at each step of the restart sequence, and how it reads the
// answers. tests/integration/restart_test.cpp does the same against a real dockerd.
#include "act/restart_targets.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/fakes.h"
#include "core/size.h"
#include "helpers/fake_docker.h"

namespace headroom {
namespace {

using std::chrono::seconds;
using test::FakeDocker;
using test::FakeGpuSource;

using Calls = std::vector<std::string>;

TEST(RestartTargetParse, PrefixesNameTheKindAndABareNameIsDocker) {
  auto t = parse_target("docker:web");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, TargetSpec::Kind::kDocker);
  EXPECT_EQ(t->name, "web");
  t = parse_target("web");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, TargetSpec::Kind::kDocker);
  EXPECT_EQ(t->name, "web");
  t = parse_target("unit:vllm");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, TargetSpec::Kind::kUnit);
  EXPECT_EQ(t->name, "vllm.service");
  t = parse_target("headroom:sglang");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, TargetSpec::Kind::kHeadroom);
  t = parse_target("docker:");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("docker:NAME, unit:NAME.service or headroom:NAME"),
            std::string::npos)
      << t.error().message;
}

TEST(DockerTarget, ChecksThatTheContainerExistsAndCanBeStartedAgain) {
  FakeDocker docker;
  DockerTarget target(docker, "web", nullptr);
  EXPECT_EQ(target.describe(), "docker container web");

  Status st = target.check();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "no container named web (docker ps -a lists the names)");

  docker.run("web", 4242).state.auto_remove = true;
  st = target.check();
  ASSERT_FALSE(st.ok()) << "a --rm container is gone once stopped";
  EXPECT_NE(st.error().message.find("was started with `docker run --rm`"), std::string::npos)
      << st.error().message;
  EXPECT_NE(st.error().message.find("headroom run --name web -- docker run"), std::string::npos)
      << st.error().message;

  docker.containers.at("web").state.auto_remove = false;
  EXPECT_TRUE(target.check().ok());
  EXPECT_EQ(docker.calls, (Calls{"inspect web", "inspect web", "inspect web"}));
}

TEST(DockerTarget, AnEngineErrorOnCheckIsTheEnginesMessage) {
  FakeDocker docker;
  docker.run("web", 4242);
  docker.refuse["inspect"] = "client version 1.52 is too new";
  DockerTarget target(docker, "web", nullptr);
  const Status st = target.check();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "inspect web: Docker says: client version 1.52 is too new (HTTP 500)");

  docker.refuse.clear();
  docker.unreachable = "cannot reach the Docker engine at /run/docker.sock: No such file";
  EXPECT_EQ(target.check().error().message,
            "cannot reach the Docker engine at /run/docker.sock: No such file");
}

TEST(DockerTarget, StopsThroughTheEngineWithTheGracePeriod) {
  FakeDocker docker;
  docker.run("web", 4242).pids = {4242, 4250};
  DockerTarget target(docker, "web", nullptr);
  auto r = target.stop(seconds(45));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "stopped through the engine (45s grace, then SIGKILL)");
  EXPECT_EQ(docker.calls, (Calls{"pids web", "stop web 45"}))
      << "its processes are read before the stop, while it still has them";
  EXPECT_FALSE(docker.containers.at("web").state.running);
}

TEST(DockerTarget, AMissingContainerIsReportedWithTheEnginesMessage) {
  FakeDocker docker;
  DockerTarget target(docker, "web", nullptr);
  auto stopped = target.stop(seconds(30));
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.error().message, "stop web: Docker says: No such container: web (HTTP 404)");
  auto started = target.start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().message, "start web: Docker says: No such container: web (HTTP 404)");
}

TEST(DockerTarget, PendingWhileTheContainerIsStillThere) {
  FakeDocker docker;
  FakeDocker::Container& c = docker.run("web", 4242);
  DockerTarget target(docker, "web", nullptr);
  auto n = target.pending();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->count, 1);
  EXPECT_EQ(n->what, "container web is still running");

  for (const char* status : {"removing", "restarting"}) {
    c.state.running = false;
    c.state.status = status;
    n = target.pending();
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n->count, 1) << status;
    EXPECT_EQ(n->what, std::string("container web is still ") + status);
  }

  c.state.status = "exited";
  n = target.pending();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->count, 0);
  EXPECT_EQ(n->what, "");

  docker.containers.clear();
  n = target.pending();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->count, 0) << "removed is gone too";
}

TEST(DockerTarget, AnEngineNotAnsweringKeepsItPending) {
  FakeDocker docker;
  docker.add("web", "exited");
  docker.refuse["inspect"] = "engine restarting";
  DockerTarget target(docker, "web", nullptr);
  auto n = target.pending();
  ASSERT_TRUE(n.ok()) << "not an error: the gone step's timeout bounds the wait";
  EXPECT_EQ(n->count, 1);
  EXPECT_EQ(n->what, "inspect web: Docker says: engine restarting (HTTP 500)");
}

TEST(DockerTarget, PendingWhileTheGpuStillListsItsProcesses) {
  FakeDocker docker;
  docker.run("web", 4242).pids = {4242, 4250};
  FakeGpuSource gpu;
  gpu.procs = {GpuProcess{4250, 40 * kGiB, true, 0}, GpuProcess{999, 1 * kGiB, true, 0}};
  DockerTarget target(docker, "web", &gpu);
  ASSERT_TRUE(target.stop(seconds(30)).ok());
  ASSERT_FALSE(docker.containers.at("web").state.running);

  auto n = target.pending();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->count, 1) << "the driver still lists a process it had before the stop";
  EXPECT_NE(n->what.find("process 4250 still holds"), std::string::npos) << n->what;

  gpu.procs = {GpuProcess{999, 1 * kGiB, true, 0}};
  n = target.pending();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->count, 0) << "another process's GPU memory is not the container's";
}

TEST(DockerTarget, StartsThroughTheEngine) {
  FakeDocker docker;
  docker.add("web", "exited");
  DockerTarget target(docker, "web", nullptr);
  auto r = target.start();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "started through the engine");
  EXPECT_EQ(docker.calls, (Calls{"start web"}));
  EXPECT_TRUE(docker.containers.at("web").state.running);

  docker.add("web", "exited");
  docker.refuse["start"] = "driver failed programming external connectivity";
  r = target.start();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "start web: Docker says: driver failed programming external connectivity (HTTP 500)");
}

TEST(DockerTarget, HealthyIsTheImagesHealthcheckOrRunning) {
  FakeDocker docker;
  FakeDocker::Container& c = docker.run("web", 4242);
  DockerTarget target(docker, "web", nullptr);
  auto h = target.healthy();
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->healthy) << "no HEALTHCHECK: running is all the engine can tell";
  EXPECT_EQ(h->what,
            "running (the image has no HEALTHCHECK; give --health URL to probe the server)");

  c.state.health = "starting";
  h = target.healthy();
  ASSERT_TRUE(h.ok());
  EXPECT_FALSE(h->healthy);
  EXPECT_EQ(h->what, "HEALTHCHECK starting");

  c.state.health = "healthy";
  h = target.healthy();
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->healthy);
  EXPECT_EQ(h->what, "HEALTHCHECK healthy");

  c.state.health = "";
  c.state.running = false;
  c.state.status = "created";
  h = target.healthy();
  ASSERT_TRUE(h.ok()) << "created: still on its way";
  EXPECT_FALSE(h->healthy);
}

TEST(DockerTarget, AContainerThatExitedOrVanishedWillNotBecomeHealthy) {
  FakeDocker docker;
  docker.run("web", 4242);
  docker.die("web", 3);
  DockerTarget target(docker, "web", nullptr);
  auto h = target.healthy();
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().message, "container web is exited (exit code 3)");

  docker.containers.clear();
  h = target.healthy();
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().message, "container web is gone");

  docker.refuse["inspect"] = "engine restarting";
  h = target.healthy();
  ASSERT_TRUE(h.ok()) << "the engine's silence is not the container's failure";
  EXPECT_FALSE(h->healthy);
  EXPECT_EQ(h->what, "inspect web: Docker says: engine restarting (HTTP 500)");
}

// The whole sequence of `headroom restart docker:web`: the container stopped with the grace
// period, gone, the gate, started again, healthy.
TEST(DockerTarget, TheRestartSequenceStopsAndStartsTheContainer) {
  FakeDocker docker;
  docker.run("web", 4242);
  test::FakeClock clock;
  test::FakeMemorySource mem(clock, 128 * kGiB, [](Instant) { return 100 * kGiB; });
  DockerTarget target(docker, "web", nullptr);
  RestartOptions o;
  o.gate.target = SizeSpec::of_bytes(70 * kGiB);
  o.gate.settle = seconds(1);
  o.gate.timeout = seconds(60);
  o.stop_timeout = seconds(20);
  std::vector<std::string> steps;
  const RestartReport r = run_restart(target, mem, clock, o, [&](const RestartStep& s) {
    steps.push_back(s.name + ": " + s.detail);
  });
  ASSERT_TRUE(r.ok) << (steps.empty() ? "" : steps.back());
  EXPECT_EQ(r.exit_code, 0);
  ASSERT_EQ(r.steps.size(), 5u);
  EXPECT_EQ(r.steps[0].detail, "stopped through the engine (20s grace, then SIGKILL)");
  EXPECT_EQ(docker.calls_to("stop"), (Calls{"stop web 20"}));
  EXPECT_EQ(docker.calls_to("start"), (Calls{"start web"}));
  const auto stop_at = std::find(docker.calls.begin(), docker.calls.end(), "stop web 20");
  const auto start_at = std::find(docker.calls.begin(), docker.calls.end(), "start web");
  EXPECT_LT(stop_at, start_at);
  EXPECT_TRUE(docker.containers.at("web").state.running);
  EXPECT_NE(docker.containers.at("web").state.pid, 4242) << "a new process";
}

TEST(DockerTarget, TheSequenceRefusesARmContainerBeforeStoppingIt) {
  FakeDocker docker;
  docker.run("web", 4242).state.auto_remove = true;
  test::FakeClock clock;
  test::FakeMemorySource mem(clock, 128 * kGiB, [](Instant) { return 100 * kGiB; });
  DockerTarget target(docker, "web", nullptr);
  RestartOptions o;
  o.gate.target = SizeSpec::of_bytes(70 * kGiB);
  const RestartReport r = run_restart(target, mem, clock, o, nullptr);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(docker.calls_to("stop").empty());
  EXPECT_TRUE(docker.calls_to("kill").empty());
  EXPECT_TRUE(docker.containers.at("web").state.running);
}

}  // namespace
}  // namespace headroom
