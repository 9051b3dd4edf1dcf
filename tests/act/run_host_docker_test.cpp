// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// RunHost in Docker mode (`headroom run -- docker run --name web ...`) against an engine in
// memory (helpers/fake_docker.h), without a daemon or root: the "docker run" line is a stand-in
// process (sleep, sh), as the docker CLI is for the real thing, a process that ends with the
// container's exit code. What goes through the engine is checked call by call: the stale
// container before the gate, the stop signal and SIGKILL, the container's processes, what is
// left of it after the death, and Docker's OOM flag in the death's evidence.
// tests/integration/docker_test.cpp does this against a real dockerd.
#include "act/run_host.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <thread>

#include "core/diagnosis.h"
#include "core/size.h"
#include "helpers/fake_docker.h"
#include "helpers/subprocess.h"

namespace headroom {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using test::FakeDocker;

using Calls = std::vector<std::string>;

class RunHostDocker : public ::testing::Test {
 protected:
  void SetUp() override {
    // RunHost takes SIGTERM, SIGINT, SIGHUP and SIGCHLD through a signalfd and blocks them, and
    // makes the process a child subreaper; the tests after this one get both back as they were
    // (a subreaper would adopt the next host's guardian, which then counts as a descendant).
    ::sigprocmask(SIG_SETMASK, nullptr, &mask_);
    ::prctl(PR_GET_CHILD_SUBREAPER, &subreaper_, 0, 0, 0);
    auto fake = std::make_unique<FakeDocker>();
    docker_ = fake.get();
    fake_ = std::move(fake);
  }
  void TearDown() override {
    if (host_ && main_ > 0) {
      host_->kill_all();
      ::waitpid(main_, nullptr, 0);
    }
    host_.reset();
    ::prctl(PR_SET_CHILD_SUBREAPER, static_cast<unsigned long>(subreaper_), 0, 0, 0);
    ::sigprocmask(SIG_SETMASK, &mask_, nullptr);
  }

  static RunHostOptions options(const std::string& container) {
    RunHostOptions o;
    o.argv = {"sleep", "60"};  // the docker CLI, attached to the container
    o.root = Root(test::fixtures_dir() + "/gb10");
    o.cgroup = "self";
    o.use_gpu = false;
    o.container = container;
    o.stop_timeout = seconds(7);
    return o;
  }

  // A RunHost speaking to the fake engine.
  Result<std::unique_ptr<RunHost>> open_host(RunHostOptions o) {
    return RunHost::open(std::move(o), std::move(fake_));
  }
  // One for the container "web" whose docker run line is `argv`; its notes go to notes_.
  RunHost& open(std::vector<std::string> argv = {"sleep", "60"}) {
    RunHostOptions o = options("web");
    o.argv = std::move(argv);
    auto h = open_host(std::move(o));
    if (!h.ok()) throw std::runtime_error("RunHost::open: " + h.error().message);
    host_ = std::move(*h);
    host_->on_note = [this](const std::string& note) { notes_.push_back(note); };
    return *host_;
  }
  pid_t spawn() {
    auto pid = host_->spawn();
    EXPECT_TRUE(pid.ok()) << pid.error().message;
    main_ = pid.ok() ? *pid : 0;
    return main_;
  }
  // The next event of the host, within the tests' patience.
  HostEvent next_event() { return host_->wait(host_->now() + test::kPatience); }

  sigset_t mask_{};
  int subreaper_ = 0;
  std::unique_ptr<FakeDocker> fake_;
  FakeDocker* docker_ = nullptr;  // owned by the host once it is open
  std::unique_ptr<RunHost> host_;
  pid_t main_ = 0;
  std::vector<std::string> notes_;
};

TEST_F(RunHostDocker, OpeningPingsTheEngine) {
  open();
  EXPECT_EQ(docker_->calls, Calls{"ping"});
}

TEST_F(RunHostDocker, AnEngineThatCannotBeReachedFailsTheOpen) {
  const std::string unreachable =
      "cannot reach the Docker engine at /nonexistent/docker.sock: No such file or directory";
  docker_->unreachable = unreachable;
  auto h = open_host(options("web"));
  docker_ = nullptr;  // gone with the host that failed to open
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().message, unreachable);
}

TEST_F(RunHostDocker, APlainCommandDoesNotTalkToTheEngine) {
  docker_->unreachable = "cannot reach the Docker engine";
  auto h = open_host(options(""));
  ASSERT_TRUE(h.ok()) << "not pinged: " << h.error().message;
  docker_ = nullptr;  // the host let it go
}

TEST_F(RunHostDocker, AStaleRunningContainerIsStoppedWithTheGracePeriodThenRemoved) {
  RunHost& host = open();
  docker_->run("web", 4242);
  host.prepare();
  EXPECT_EQ(docker_->calls, (Calls{"ping", "inspect web", "stop web 7", "remove web force"}));
  EXPECT_EQ(notes_, Calls{"removing a stale container named web (running)"});
  EXPECT_FALSE(docker_->containers.contains("web"));
}

TEST_F(RunHostDocker, AStaleExitedContainerIsRemovedWithoutAStop) {
  RunHost& host = open();
  docker_->add("web", "exited");
  host.prepare();
  EXPECT_EQ(docker_->calls, (Calls{"ping", "inspect web", "remove web force"}));
  EXPECT_EQ(notes_, Calls{"removing a stale container named web (exited)"});
  EXPECT_FALSE(docker_->containers.contains("web"));
}

TEST_F(RunHostDocker, NoStaleContainerNothingToRemove) {
  RunHost& host = open();
  host.prepare();
  EXPECT_EQ(docker_->calls, (Calls{"ping", "inspect web"}));
  EXPECT_TRUE(notes_.empty());
}

TEST_F(RunHostDocker, AStaleContainerTheEngineWillNotRemoveIsSaid) {
  RunHost& host = open();
  docker_->add("web", "dead");
  docker_->refuse["remove"] = "driver \"overlay2\" failed to remove root filesystem";
  host.prepare();
  ASSERT_EQ(notes_.size(), 2u);
  EXPECT_EQ(notes_[1],
            "remove web: Docker says: driver \"overlay2\" failed to remove root filesystem (HTTP "
            "500)");
}

TEST_F(RunHostDocker, TheContainersFirstProcessIsAskedOfTheEngineUntilItRuns) {
  RunHost& host = open();
  docker_->add("web", "created");
  const pid_t main = spawn();
  Sample s;
  (void)host.sample(s);
  (void)host.sample(s);
  EXPECT_EQ(docker_->calls_to("inspect").size(), 2u) << "no PID yet: asked again";
  docker_->run("web", 4242);
  (void)host.sample(s);
  (void)host.sample(s);
  (void)host.sample(s);
  EXPECT_EQ(docker_->calls_to("inspect").size(), 3u) << "known once it runs";

  Evidence e;
  e.died = host.now();
  host.collect(e);
  ASSERT_GE(e.pids.size(), 2u);
  EXPECT_EQ(e.pids[0], main) << "the docker CLI first";
  EXPECT_NE(std::find(e.pids.begin(), e.pids.end(), 4242), e.pids.end())
      << "the container's first process, named by host PID in the kernel's OOM lines";
}

TEST_F(RunHostDocker, TheContainersWorkersAreTheEnginesProcessList) {
  // The CLI's own child is headroom's descendant but not the container's.
  RunHost& host = open({"sh", "-c", "sleep 60 & wait"});
  docker_->run("web", 4242).pids = {4242, 4300, 4301};
  const pid_t main = spawn();
  // The first look at the workers comes a second after the start: sample until it has come.
  Sample s;
  const Instant deadline = host.now() + test::kPatience;
  while (docker_->calls_to("pids").empty() && host.now() < deadline) {
    (void)host.sample(s);
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(docker_->calls_to("pids"), Calls{"pids web"});

  Evidence e;
  e.died = host.now();
  host.collect(e);
  EXPECT_EQ(e.pids, (std::vector<int>{main, 4242, 4300, 4301}));
}

// What the supervisor does with the death of the docker CLI: its wait status is the
// container's exit code (137 for a SIGKILL); Docker's OOM flag comes from inspect.
TEST_F(RunHostDocker, TheDeathCarriesDockersOomFlagFromInspect) {
  RunHost& host = open({"sh", "-c", "exit 137"});
  FakeDocker::Container& c = docker_->add("web", "exited");
  c.state.exit_code = 137;
  c.state.oom_killed = true;  // no "oom" event: inspect alone says it
  spawn();
  const HostEvent ev = next_event();
  ASSERT_EQ(ev.kind, HostEvent::Kind::kChildExited);
  ASSERT_TRUE(WIFEXITED(ev.wait_status));
  EXPECT_EQ(WEXITSTATUS(ev.wait_status), 137);

  Evidence e;
  e.wait_status = ev.wait_status;
  e.died = host.now();
  host.collect(e);
  EXPECT_EQ(e.container, "web");
  EXPECT_TRUE(e.container_oom_killed);
  const Verdict v = diagnose(e);
  EXPECT_EQ(v.cause, Cause::kOomKiller) << v.line;
  EXPECT_NE(v.line.find("[Docker: container web OOMKilled]"), std::string::npos) << v.line;
}

TEST_F(RunHostDocker, ARemovedContainersOomIsReadFromItsEvents) {
  RunHost& host = open({"sh", "-c", "exit 137"});
  docker_->run("web", 4242).state.auto_remove = true;  // --rm: gone once it died
  const auto before = static_cast<int64_t>(std::time(nullptr));
  spawn();
  const auto after = static_cast<int64_t>(std::time(nullptr));
  docker_->die("web", 137, /*oom_killed=*/true);
  ASSERT_FALSE(docker_->containers.contains("web"));
  const HostEvent ev = next_event();
  ASSERT_EQ(ev.kind, HostEvent::Kind::kChildExited);

  Evidence e;
  e.wait_status = ev.wait_status;
  e.died = host.now();
  host.collect(e);
  EXPECT_TRUE(e.container_oom_killed) << "the engine's oom event outlives the container";
  const Calls events = docker_->calls_to("events");
  ASSERT_EQ(events.size(), 1u);
  long long since = 0, until = 0;
  ASSERT_EQ(std::sscanf(events[0].c_str(), "events web %lld %lld", &since, &until), 2) << events[0];
  EXPECT_GE(since, before - 1) << "from the start of this instance";
  EXPECT_LE(since, after - 1);
  EXPECT_GE(until, static_cast<long long>(std::time(nullptr)));
}

TEST_F(RunHostDocker, AKillWithoutOomIsNotCalledOne) {
  RunHost& host = open({"sh", "-c", "exit 137"});
  docker_->run("web", 4242);
  // An OOM of an earlier instance, an hour ago: outside this instance's window.
  docker_->log_event("web", "oom", static_cast<int64_t>(std::time(nullptr)) - 3600);
  spawn();
  docker_->die("web", 137);
  const HostEvent ev = next_event();
  ASSERT_EQ(ev.kind, HostEvent::Kind::kChildExited);

  Evidence e;
  e.wait_status = ev.wait_status;
  e.died = host.now();
  host.collect(e);
  EXPECT_EQ(e.container, "web");
  EXPECT_FALSE(e.container_oom_killed);
  EXPECT_NE(diagnose(e).cause, Cause::kOomKiller);
}

TEST_F(RunHostDocker, AfterTheDeathTheContainerIsWaitedForUntilItIsGone) {
  RunHost& host = open({"true"});
  FakeDocker::Container& c = docker_->run("web", 4242);
  spawn();
  ASSERT_EQ(next_event().kind, HostEvent::Kind::kChildExited);
  auto n = host.pending();
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(n->count, 1) << "the CLI is gone, the container still runs";
  EXPECT_EQ(n->what, "container web is still running");

  for (const char* status : {"removing", "restarting", "paused"}) {
    c.state.running = false;
    c.state.status = status;
    n = host.pending();
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n->count, 1) << status;
    EXPECT_EQ(n->what, std::string("container web is still ") + status);
  }

  c.state.status = "exited";
  n = host.pending();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->count, 0) << n->what;

  docker_->containers.clear();
  n = host.pending();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->count, 0) << n->what;
}

TEST_F(RunHostDocker, AnEngineNotAnsweringAfterTheDeathKeepsTheGateWaiting) {
  RunHost& host = open({"true"});
  docker_->add("web", "exited");
  spawn();
  ASSERT_EQ(next_event().kind, HostEvent::Kind::kChildExited);
  docker_->refuse["inspect"] = "engine restarting";
  auto n = host.pending();
  ASSERT_TRUE(n.ok()) << "bounded by the gate's timeout, not an error";
  EXPECT_EQ(n->count, 1);
  EXPECT_EQ(n->what, "inspect web: Docker says: engine restarting (HTTP 500)");
}

TEST_F(RunHostDocker, TheStopSignalGoesThroughTheEngine) {
  RunHost& host = open();
  docker_->run("web", 4242);
  const pid_t main = spawn();
  host.signal_group(SIGTERM);
  EXPECT_EQ(docker_->calls_to("kill"), Calls{"kill web SIGTERM"});
  EXPECT_EQ(docker_->containers.at("web").state.exit_code, 143);
  EXPECT_EQ(::waitpid(main, nullptr, WNOHANG), 0)
      << "not signalled by headroom: the CLI ends when its container does";
  EXPECT_TRUE(notes_.empty());

  host.signal_group(SIGTERM);  // "Container ... is not running": nothing to say
  EXPECT_EQ(docker_->calls_to("kill").size(), 2u);
  EXPECT_TRUE(notes_.empty()) << notes_.front();

  docker_->refuse["kill"] = "permission denied";
  host.signal_group(SIGINT);
  EXPECT_EQ(docker_->calls_to("kill").back(), "kill web SIGINT");
  EXPECT_EQ(notes_, Calls{"kill web: Docker says: permission denied (HTTP 500)"});
}

TEST_F(RunHostDocker, KillAllKillsTheContainerAndTheTree) {
  RunHost& host = open();
  docker_->run("web", 4242);
  spawn();
  host.kill_all();
  EXPECT_EQ(docker_->calls_to("kill"), Calls{"kill web SIGKILL"});
  EXPECT_EQ(docker_->containers.at("web").state.exit_code, 137);
  const HostEvent ev = next_event();
  ASSERT_EQ(ev.kind, HostEvent::Kind::kChildExited);
  ASSERT_TRUE(WIFSIGNALED(ev.wait_status));
  EXPECT_EQ(WTERMSIG(ev.wait_status), SIGKILL) << "the CLI too, should it hang";
  main_ = 0;
}

// What the server holds is the container's process tree, from its first process: not
// headroom's descendants (the docker CLI holds nothing of the server's). The container's first
// process here is the test itself, holding a block it has touched.
TEST_F(RunHostDocker, HeldIsTheContainersProcessTree) {
  std::vector<char> block(64 * kMiB, 1);
  RunHost& host = open();
  std::vector<uint64_t> held;
  host.on_held = [&held](uint64_t bytes) { held.push_back(bytes); };
  docker_->run("web", static_cast<int>(::getpid()));
  spawn();
  Sample s;
  (void)host.sample(s);  // learns the container's first process
  host.phase(Phase::kStarting, "starting");
  (void)host.wait(host.now());
  ASSERT_EQ(held.size(), 1u);
  EXPECT_GE(held[0], 64 * kMiB) << format_bytes(held[0]);
  EXPECT_EQ(host.held(), held[0]);
  EXPECT_NE(block[block.size() / 2], 0);
}

TEST_F(RunHostDocker, NothingIsHeldBeforeTheContainersProcessIsKnown) {
  RunHost& host = open();
  std::vector<uint64_t> held;
  host.on_held = [&held](uint64_t bytes) { held.push_back(bytes); };
  docker_->add("web", "created");
  spawn();
  Sample s;
  (void)host.sample(s);
  host.phase(Phase::kStarting, "starting");
  (void)host.wait(host.now());
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0], 0u) << "the docker CLI's own memory is not the server's";
}

}  // namespace
}  // namespace headroom
