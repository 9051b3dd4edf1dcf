// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The supervisor through a scripted host: start limits, the gate before restarts, wedges,
// startup timeouts, graceful stops, SIGHUP, exec failures.
#include "core/supervisor.h"
#include "core/wait_loop.h"

#include <gtest/gtest.h>

#include "core/fake_host.h"

namespace headroom {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using test::Behaviour;
using test::FakeHost;

RunConfig config() {
  RunConfig c;
  c.gate.target = SizeSpec::of_bytes(70 * kGiB);
  c.gate.settle = seconds(1);
  c.gate.timeout = seconds(300);
  return c;
}

Behaviour crashes_after(Duration d, int wait_status = 1 << 8) {
  Behaviour b;
  b.exit_after = d;
  b.wait_status = wait_status;
  return b;
}

TEST(Supervisor, StartsServesAndStopsCleanlyOnSigterm) {
  FakeHost host;
  RunConfig c = config();
  c.health = true;
  host.script = {Behaviour{}};
  host.script[0].healthy_after = seconds(5);
  host.signals = {{seconds(60), SIGTERM}};
  Supervisor s(c, host, "server");
  EXPECT_EQ(s.run(), 0);
  ASSERT_EQ(host.spawns.size(), 1u);
  EXPECT_EQ(host.spawns[0], seconds(1)) << "the settle window, then the start";
  const auto ready = host.of(RunEvent::Kind::kReady);
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_GE(ready[0].seconds, 5.0);
  EXPECT_LE(ready[0].seconds, 6.1) << "probed every second while loading";
  // The stop signal, then SIGCONT: a stopped (SIGSTOPped, frozen) server acts on nothing else.
  EXPECT_EQ(host.sent, (std::vector<int>{SIGTERM, SIGCONT}));
  const auto died = host.of(RunEvent::Kind::kDied);
  ASSERT_EQ(died.size(), 1u);
  EXPECT_EQ(died[0].verdict->cause, Cause::kStopped);
  EXPECT_EQ(died[0].verdict->line, "stopped with SIGTERM (SIGTERM)");
  EXPECT_EQ(host.of(RunEvent::Kind::kExited)[0].exit_status, 0);
}

// The host guard: the pool stays below --guard-available while the server runs: stopped with a
// verdict that says so, counted as a failure, started again through the gate (which waits for
// the pool to come back).
TEST(Supervisor, TheGuardStopsTheServerAndTheGateRestartsIt) {
  FakeHost host;
  RunConfig c = config();
  c.gate.settle = Duration{0};
  c.gate.target = SizeSpec::of_bytes(20 * kGiB);
  c.guard.available = SizeSpec::of_bytes(4 * kGiB);
  c.guard.hold = seconds(5);
  // 100 GiB until 10 s, 2 GiB from 10 s to 30 s (the server keeps allocating), then back.
  host.available = [](Duration t) {
    return t >= seconds(10) && t < seconds(30) ? 2 * kGiB : 100 * kGiB;
  };
  host.signals = {{seconds(60), SIGTERM}};
  Supervisor s(c, host, "server");
  EXPECT_EQ(s.run(), 0);
  const auto died = host.of(RunEvent::Kind::kDied);
  ASSERT_GE(died.size(), 1u);
  EXPECT_EQ(died[0].verdict->cause, Cause::kGuard);
  EXPECT_EQ(died[0].verdict->reason, "guard");
  EXPECT_TRUE(died[0].verdict->failure) << "counted against the start limit";
  EXPECT_EQ(died[0].verdict->line,
            "stopped by headroom: pool available 2.00 GiB < guard 4.00 GiB for 5.0s");
  const auto stopping = host.of(RunEvent::Kind::kStopping);
  ASSERT_GE(stopping.size(), 1u);
  EXPECT_EQ(stopping[0].text, died[0].verdict->line) << "said before the signal";
  ASSERT_EQ(host.spawns.size(), 2u);
  EXPECT_GE(host.spawns[1], seconds(30)) << "the gate waited for the pool to come back";
}

TEST(Supervisor, ACrashLoopStopsAtTheStartLimit) {
  FakeHost host;
  RunConfig c = config();
  c.gate.settle = Duration{0};
  host.script = {crashes_after(seconds(2))};
  Supervisor s(c, host, "server");
  EXPECT_EQ(s.run(), 1) << "the server's own status";
  EXPECT_EQ(host.spawns.size(), 3u) << "--burst 3";
  const auto gave_up = host.of(RunEvent::Kind::kGaveUp);
  ASSERT_EQ(gave_up.size(), 1u);
  EXPECT_EQ(gave_up[0].text, "start limit reached: 3 failures within 10m 0s");
  EXPECT_EQ(gave_up[0].verdict->line, "died: exit 1");
}

TEST(Supervisor, FailuresOutsideTheWindowDoNotCount) {
  FakeHost host;
  RunConfig c = config();
  c.gate.settle = Duration{0};
  c.restart.burst = 2;
  c.restart.within = seconds(30);
  // A crash every 40 s: never two failures within 30 s, so never the limit.
  host.script = {crashes_after(seconds(40))};
  host.signals = {{seconds(200), SIGTERM}};
  Supervisor s(c, host, "server");
  s.run();
  EXPECT_GE(host.spawns.size(), 5u);
  EXPECT_TRUE(host.of(RunEvent::Kind::kGaveUp).empty());
}

TEST(Supervisor, TheGateHoldsTheRestartUntilMemoryIsBack) {
  FakeHost host;
  RunConfig c = config();
  // The first instance is OOM-killed at 5 s; its memory comes back at 12 s.
  Behaviour oom = crashes_after(seconds(4), SIGKILL);
  oom.kernel = {"Memory cgroup out of memory: Killed process 1001 (python3) total-vm:1kB"};
  Behaviour fine;
  host.script = {oom, fine};
  host.available = [](Duration t) {
    return t >= seconds(5) && t < seconds(12) ? 20 * kGiB : 100 * kGiB;
  };
  host.signals = {{seconds(60), SIGTERM}};
  Supervisor s(c, host, "server");
  EXPECT_EQ(s.run(), 0);
  ASSERT_EQ(host.spawns.size(), 2u);
  EXPECT_GE(host.spawns[1], seconds(13)) << "released at 12 s, then 1 s of settle";
  EXPECT_LE(host.spawns[1], milliseconds(13100)) << "within one sampling interval";
  const auto died = host.of(RunEvent::Kind::kDied);
  ASSERT_GE(died.size(), 1u);
  EXPECT_EQ(died[0].verdict->cause, Cause::kOomKiller);
  EXPECT_EQ(died[0].verdict->reason, "oom");
  EXPECT_NE(
      std::find(host.phases.begin(), host.phases.end(), "waiting for memory: 20.0 GiB / 70.0 GiB"),
      host.phases.end());
}

// A pool share that records when the start was taken, and the phases the host was told after.
class TakingShare : public PoolShare {
 public:
  explicit TakingShare(FakeHost& host) : host_(host) {}
  Result<PoolStanding> standing() override { return PoolStanding{}; }
  Result<bool> take(uint64_t, uint64_t) override {
    taken_at_ = host_.phase_kinds.size();
    return true;
  }
  size_t taken_at() const { return taken_at_; }

 private:
  FakeHost& host_;
  size_t taken_at_ = 0;
};

// Once the gate took the start from the pool's ledger, the host is not told "waiting" again
// before the start: a ledger seat told so drops its loading claim, and a neighbour's gate opened
// on the same memory (Pool.TwoServersCrashingTogetherComeBackOneAfterTheOther, under load).
TEST(Supervisor, AfterTheGateTakesTheStartThePhaseIsTheStartsNotWaiting) {
  FakeHost host;
  TakingShare share(host);
  host.share = &share;
  host.available = [](Duration t) { return t < seconds(3) ? 20 * kGiB : 100 * kGiB; };
  host.script = {Behaviour{}};
  host.signals = {{seconds(30), SIGTERM}};
  Supervisor s(config(), host, "server");
  EXPECT_EQ(s.run(), 0);
  ASSERT_EQ(host.spawns.size(), 1u);
  ASSERT_GT(share.taken_at(), 0u) << "the gate waited, then took the start";
  ASSERT_LT(share.taken_at(), host.phase_kinds.size());
  EXPECT_NE(host.phase_kinds[share.taken_at()], Phase::kWaiting)
      << "told after the take: " << host.phases[share.taken_at()];
}

TEST(Supervisor, AWedgedServerIsRestarted) {
  FakeHost host;
  RunConfig c = config();
  c.health = true;
  c.health_interval = seconds(10);
  Behaviour wedges;
  wedges.healthy_after = seconds(2);
  wedges.wedge_after = seconds(30);
  host.script = {wedges, Behaviour{}};
  host.signals = {{seconds(200), SIGTERM}};
  Supervisor s(c, host, "server");
  s.run();
  ASSERT_EQ(host.spawns.size(), 2u);
  const auto died = host.of(RunEvent::Kind::kDied);
  ASSERT_GE(died.size(), 1u);
  EXPECT_EQ(died[0].verdict->cause, Cause::kWedged);
  EXPECT_EQ(died[0].verdict->line,
            "restarting: wedged (3 health checks failed in a row; last: health probe: no answer "
            "within 5.0s)");
  // Wedged from 30 s; probes at ~32, ~47, ~62 s fail (each hangs 5 s): stopped by ~67 s.
  EXPECT_LT(host.spawns[1], seconds(75));
  EXPECT_EQ(host.of(RunEvent::Kind::kRestarting).size(), 1u);
  // The reason is said before the stop signal goes, and the signal with it.
  const auto stopping = host.of(RunEvent::Kind::kStopping);
  ASSERT_GE(stopping.size(), 1u);
  EXPECT_EQ(stopping[0].text,
            "wedged: 3 health checks failed in a row (last: health probe: no answer within 5.0s)");
  EXPECT_EQ(stopping[0].signal, SIGTERM);
}

// OOM-killed at load twice in a row holding the same: it does not fit; restarting the same start
// until the burst is spent would only repeat it, each try as slow as the last.
TEST(Supervisor, TheSameOomDeathAtLoadTwiceDoesNotFit) {
  FakeHost host;
  RunConfig c = config();
  c.health = true;
  c.restart.burst = 5;
  Behaviour oom = crashes_after(seconds(3), SIGKILL);
  oom.healthy_after = std::chrono::hours(1);  // never ready: it dies loading
  oom.kernel = {"memory: usage 1048576kB, limit 1048576kB, failcnt 3",
                "Memory cgroup out of memory: Killed process 1001 (python3) total-vm:9kB, "
                "anon-rss:1000000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:8kB"};
  Behaviour oom2 = oom;  // the second instance is pid 1002 in the fake
  oom2.kernel[1] =
      "Memory cgroup out of memory: Killed process 1002 (python3) total-vm:9kB, "
      "anon-rss:1010000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:8kB";
  host.script = {oom, oom2};
  Supervisor s(c, host, "server");
  EXPECT_EQ(s.run(), 128 + SIGKILL);
  EXPECT_EQ(host.spawns.size(), 2u) << "not the whole burst of 5";
  const auto gave_up = host.of(RunEvent::Kind::kGaveUp);
  ASSERT_EQ(gave_up.size(), 1u);
  EXPECT_EQ(gave_up[0].verdict->cause, Cause::kDoesNotFit);
  EXPECT_EQ(gave_up[0].verdict->reason, "does_not_fit");
  EXPECT_EQ(gave_up[0].verdict->line.rfind("the server does not fit: it died the same way while "
                                           "loading 2 times in a row, holding 986 MiB each time",
                                           0),
            0u)
      << gave_up[0].verdict->line;
}

// A server that served first, or whose footprint differs, is restarted as usual.
TEST(Supervisor, OomDeathsThatDifferAreRestarted) {
  FakeHost host;
  RunConfig c = config();
  c.health = true;
  c.restart.burst = 3;
  Behaviour small = crashes_after(seconds(3), SIGKILL);
  small.healthy_after = std::chrono::hours(1);
  small.kernel = {
      "Memory cgroup out of memory: Killed process 1001 (python3) total-vm:9kB, "
      "anon-rss:500000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:8kB"};
  Behaviour big = small;
  big.kernel[0] =
      "Memory cgroup out of memory: Killed process 1002 (python3) total-vm:9kB, "
      "anon-rss:900000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:8kB";
  host.script = {small, big, crashes_after(seconds(3))};
  Supervisor s(c, host, "server");
  s.run();
  EXPECT_EQ(host.spawns.size(), 3u) << "different footprints: not the same death";
  const auto gave_up = host.of(RunEvent::Kind::kGaveUp);
  ASSERT_EQ(gave_up.size(), 1u);
  EXPECT_NE(gave_up[0].verdict->cause, Cause::kDoesNotFit);
}

// --free above the pool: given up before any start, exit 2, with both figures.
TEST(Supervisor, AnImpossibleTargetGivesUpBeforeAnyStart) {
  FakeHost host;
  RunConfig c = config();
  c.gate.target = SizeSpec::of_bytes(200 * kGiB);  // the fake's pool is 128 GiB
  Supervisor s(c, host, "server");
  EXPECT_EQ(s.run(), 2);
  EXPECT_TRUE(host.spawns.empty());
  const auto gave_up = host.of(RunEvent::Kind::kGaveUp);
  ASSERT_EQ(gave_up.size(), 1u);
  EXPECT_EQ(gave_up[0].text,
            "the target 200 GiB can never be met: the pool is 128 GiB in all; waiting cannot help");
  EXPECT_EQ(host.elapsed(), Duration{}) << "at once";
}

// What the probes answer is told once per change (refused while loading, then passing), not once
// per probe; every answer is counted for the metrics by the host.
TEST(Supervisor, ProbeAnswersAreToldOncePerChange) {
  FakeHost host;
  RunConfig c = config();
  c.health = true;
  Behaviour slow;
  slow.healthy_after = seconds(5);  // ~20 refused probes at 250 ms
  host.script = {slow};
  host.signals = {{seconds(60), SIGTERM}};
  Supervisor s(c, host, "server");
  s.run();
  const auto probes = host.of(RunEvent::Kind::kProbe);
  ASSERT_EQ(probes.size(), 2u);
  EXPECT_EQ(probes[0].text, "health probe: connection refused (not listening yet: loading)");
  EXPECT_EQ(probes[0].count, 0);
  EXPECT_EQ(probes[1].text, "probes pass");
  EXPECT_GE(probes[1].count, 15) << "the refused answers before it";
}

// A probe the server rejects (HTTP 400: the wrong body for this engine) is rejected every time:
// stopped after --health-failures answers, not restarted, exit 2 like any configuration error.
TEST(Supervisor, ARejectedProbeIsAConfigurationErrorNotAWedge) {
  FakeHost host;
  RunConfig c = config();
  c.health = true;
  Behaviour wrong_body;
  wrong_body.reject_status = 400;
  host.script = {wrong_body};
  Supervisor s(c, host, "server");
  EXPECT_EQ(s.run(), 2);
  EXPECT_EQ(host.spawns.size(), 1u) << "restarting cannot help";
  const auto gave_up = host.of(RunEvent::Kind::kGaveUp);
  ASSERT_EQ(gave_up.size(), 1u);
  EXPECT_EQ(gave_up[0].verdict->cause, Cause::kProbeRejected);
  EXPECT_EQ(gave_up[0].verdict->line,
            "stopped: the server rejects the probe's request (health probe: HTTP 400): give "
            "--health/--probe-post/--probe-body it accepts");
  const auto probes = host.of(RunEvent::Kind::kProbe);
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_EQ(probes[0].text,
            "health probe: HTTP 400 -- the server rejects the request itself: a wrong path or "
            "body for it");
  // The fake host's clock, not the wall: three probes' worth of simulated time, not the startup
  // timeout.
  EXPECT_LT(host.elapsed(), seconds(5)) << "three probes, not the startup timeout";
}

TEST(Supervisor, NeverHealthyHitsTheStartupTimeout) {
  FakeHost host;
  RunConfig c = config();
  c.health = true;
  c.startup_timeout = seconds(20);
  c.restart.burst = 1;
  Behaviour never;
  never.healthy_after = std::chrono::hours(1);
  host.script = {never};
  Supervisor s(c, host, "server");
  EXPECT_EQ(s.run(), 128 + SIGTERM);
  const auto gave_up = host.of(RunEvent::Kind::kGaveUp);
  ASSERT_EQ(gave_up.size(), 1u);
  EXPECT_EQ(gave_up[0].verdict->cause, Cause::kStartupTimeout);
  EXPECT_EQ(gave_up[0].verdict->line,
            "restarting: not healthy within the 20.0s startup timeout (last: health probe: "
            "connection refused)");
}

TEST(Supervisor, AServerIgnoringTheStopSignalIsKilledAfterTheStopTimeout) {
  FakeHost host;
  RunConfig c = config();
  c.stop_timeout = seconds(3);
  Behaviour stubborn;
  stubborn.ignores_stop = true;
  host.script = {stubborn};
  host.signals = {{seconds(10), SIGTERM}};
  Supervisor s(c, host, "server");
  // The stop was asked for and the server is gone: a success (under systemd the unit ends
  // inactive, not failed with status 137), and the verdict says how it went.
  EXPECT_EQ(s.run(), 0);
  EXPECT_EQ(host.kills, 1);
  EXPECT_GE(host.elapsed(), seconds(13));
  EXPECT_LT(host.elapsed(), seconds(14));
  EXPECT_EQ(host.of(RunEvent::Kind::kDied)[0].verdict->line,
            "stopped: SIGTERM did not end it, SIGKILL after the 3.0s stop timeout");
}

TEST(Supervisor, ASecondSigtermKillsAtOnce) {
  FakeHost host;
  RunConfig c = config();
  Behaviour stubborn;
  stubborn.ignores_stop = true;
  host.script = {stubborn};
  host.signals = {{seconds(10), SIGTERM}, {seconds(11), SIGINT}};
  Supervisor s(c, host, "server");
  s.run();
  EXPECT_LT(host.elapsed(), seconds(12));
}

TEST(Supervisor, SighupRestartsThroughTheGateAndIsNotAFailure) {
  FakeHost host;
  RunConfig c = config();
  c.restart.burst = 1;
  host.signals = {{seconds(10), SIGHUP}, {seconds(20), SIGHUP}, {seconds(40), SIGTERM}};
  Supervisor s(c, host, "server");
  EXPECT_EQ(s.run(), 0);
  EXPECT_EQ(host.spawns.size(), 3u);
  EXPECT_TRUE(host.of(RunEvent::Kind::kGaveUp).empty());
  EXPECT_EQ(host.of(RunEvent::Kind::kRestarting)[0].text, "restart requested (SIGHUP)");
}

TEST(Supervisor, ACommandThatCannotRunGivesUpAtOnce) {
  FakeHost host;
  Behaviour missing;
  missing.spawn_errno = ENOENT;
  host.script = {missing};
  Supervisor s(config(), host, "sglang-serve");
  EXPECT_EQ(s.run(), 127);
  EXPECT_TRUE(host.spawns.empty());
  const auto gave_up = host.of(RunEvent::Kind::kGaveUp);
  ASSERT_EQ(gave_up.size(), 1u);
  EXPECT_EQ(gave_up[0].verdict->line,
            "failed to start: sglang-serve: No such file or directory (exit 127)");
}

TEST(Supervisor, RestartNoExitsWithTheServersStatus) {
  FakeHost host;
  RunConfig c = config();
  c.restart.mode = RestartMode::kNo;
  host.script = {crashes_after(seconds(3), 3 << 8)};
  Supervisor s(c, host, "server");
  EXPECT_EQ(s.run(), 3);
  EXPECT_EQ(host.spawns.size(), 1u);
}

TEST(Supervisor, OnFailureDoesNotRestartACleanExitButAlwaysDoes) {
  {
    FakeHost host;
    host.script = {crashes_after(seconds(3), 0)};
    Supervisor s(config(), host, "server");
    EXPECT_EQ(s.run(), 0);
    EXPECT_EQ(host.spawns.size(), 1u);
  }
  {
    FakeHost host;
    RunConfig c = config();
    c.restart.mode = RestartMode::kAlways;
    host.script = {crashes_after(seconds(3), 0)};
    Supervisor s(c, host, "server");
    EXPECT_EQ(s.run(), 1) << "a server that keeps exiting still hits the limit";
    EXPECT_EQ(host.spawns.size(), 3u);
  }
}

TEST(Supervisor, AGateTimeoutCountsAsAFailedStart) {
  FakeHost host;
  RunConfig c = config();
  c.gate.timeout = seconds(5);
  c.restart.burst = 2;
  host.available = [](Duration) { return 10 * kGiB; };
  Supervisor s(c, host, "server");
  EXPECT_EQ(s.run(), 1);
  EXPECT_TRUE(host.spawns.empty());
  const auto gave_up = host.of(RunEvent::Kind::kGaveUp);
  ASSERT_EQ(gave_up.size(), 1u);
  EXPECT_EQ(gave_up[0].verdict->cause, Cause::kGateTimeout);
  EXPECT_EQ(gave_up[0].verdict->line,
            "memory did not come back within 5.0s: 10.0 GiB available, target 70.0 GiB");
  EXPECT_EQ(host.elapsed(), seconds(10));
}

TEST(Supervisor, RestartDelayIsAFloorFromTheDeath) {
  FakeHost host;
  RunConfig c = config();
  c.gate.settle = Duration{0};
  c.restart.delay = seconds(5);
  host.script = {crashes_after(seconds(1)), Behaviour{}};
  host.signals = {{seconds(30), SIGTERM}};
  Supervisor s(c, host, "server");
  s.run();
  ASSERT_EQ(host.spawns.size(), 2u);
  EXPECT_GE(host.spawns[1], seconds(6));
  EXPECT_LE(host.spawns[1], milliseconds(6100));
}

TEST(Supervisor, WorkersOfADeadServerAreStoppedBeforeTheNextStart) {
  FakeHost host;
  RunConfig c = config();
  c.gate.settle = Duration{0};
  Behaviour leaves_workers = crashes_after(seconds(1));
  leaves_workers.workers_linger = std::chrono::hours(1);  // they never leave on their own
  host.script = {leaves_workers, Behaviour{}};
  host.signals = {{seconds(100), SIGTERM}};
  Supervisor s(c, host, "server");
  s.run();
  ASSERT_EQ(host.spawns.size(), 2u);
  EXPECT_EQ(host.sent.front(), SIGTERM) << "the stop signal first";
  EXPECT_GE(host.kills, 1) << "then SIGKILL after the stop timeout";
  EXPECT_GE(host.spawns[1], seconds(31));
}

TEST(Supervisor, SigtermWhileWaitingForMemoryExitsCleanly) {
  FakeHost host;
  host.available = [](Duration) { return 10 * kGiB; };
  host.signals = {{seconds(3), SIGTERM}};
  Supervisor s(config(), host, "server");
  EXPECT_EQ(s.run(), 0);
  EXPECT_TRUE(host.spawns.empty());
  EXPECT_LT(host.elapsed(), milliseconds(3200));
}

}  // namespace
}  // namespace headroom
