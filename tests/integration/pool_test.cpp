// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Several `headroom run`s on one memory-cgroup pool, on the real kernel: the pool ledger
// (act/pool_ledger) against the double booking a two-model stack meets when both restart at once
// (NVIDIA-AI-Blueprints/video-search-and-summarization#1743), a loading neighbour's claim, and the
// entry a SIGKILLed headroom leaves behind.
//
// A server's memory is cued by a file (headroom-standin --alloc-when): the test decides when the
// started servers take their memory, so both gates have decided before either allocates, on any
// machine. The memory of a dead server that the driver has not given back yet is a stand-in's
// --mem-dir file, left in place until the test removes it (what headroom-lagdriver does after its
// lag, here at a moment the test chooses).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "act/footprint.h"
#include "act/pool_ledger.h"
#include "core/admission.h"
#include "core/size.h"
#include "helpers/events.h"
#include "helpers/mem_dir.h"
#include "helpers/subprocess.h"
#include "integration/pool_fixture.h"
#include "plan/model_writer.h"

namespace headroom {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;
using test::Child;
using test::event_is;
using test::wait_event;

std::string scratch(const std::string& tag) {
  const std::string p = test::scratch_dir() + "/pool-" + tag + "-" + std::to_string(::getpid());
  fs::remove(p);
  return p;
}

void touch(const std::string& path) {
  std::ofstream(path) << "go\n";
}

struct Server {
  std::string name, events;
  int port = 0;
  std::unique_ptr<Child> hr;
};

// headroom run gating on `pool` for a stand-in of `mib` that joins it and allocates once
// `alloc_when` exists (anonymous memory, or a file in `mem_dir` that outlives it).
Server supervise(Pool& pool, const std::string& name, const std::string& free, int mib,
                 const std::string& alloc_when, bool ledger, const std::string& mem_dir = {}) {
  Server s;
  s.name = name;
  s.events = scratch(name + ".jsonl");
  s.port = free_tcp_port();
  std::vector<std::string> args{test::headroom_bin(),
                                "run",
                                "--no-gpu",
                                "--no-lint",
                                "--name",
                                name,
                                "--cgroup",
                                pool.name(),
                                "--free",
                                free,
                                "--settle",
                                "0",
                                "--events",
                                s.events,
                                "--health",
                                "http://127.0.0.1:" + std::to_string(s.port) + "/health",
                                "--health-interval",
                                "100ms"};
  if (!ledger) args.emplace_back("--no-ledger");
  args.insert(args.end(), {"--", test::sim_bin("headroom-standin"), "--port",
                           std::to_string(s.port), "--join-cgroup", pool.dir(), "--memory",
                           std::to_string(mib), "--alloc-when", alloc_when});
  if (mem_dir.empty()) {
    args.insert(args.end(), {"--alloc", "anon"});
  } else {
    args.insert(args.end(), {"--mem-dir", mem_dir});
  }
  ChildOptions o;
  o.merge_stderr = true;
  s.hr = std::make_unique<Child>(args, o);
  return s;
}

// The first event of either server that `pred` holds for: {index, event}.
std::pair<int, json> wait_either(const Server& a, const Server& b,
                                 const std::function<bool(const json&)>& pred) {
  const auto deadline = Clock::now() + test::kPatience;
  while (Clock::now() < deadline) {
    for (int i = 0; i < 2; ++i) {
      for (const json& e : test::read_events(i == 0 ? a.events : b.events)) {
        if (pred(e)) return {i, e};
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return {-1, json()};
}

// Frees what dead stand-ins left in `dir`: the files nobody holds a lock on any more.
int release_dead(const std::string& dir) {
  int n = 0;
  for (const auto& f : fs::directory_iterator(dir)) {
    const int fd = ::open(f.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      fs::remove(f.path());
      ++n;
    }
    ::close(fd);
  }
  return n;
}

bool text_has(const json& e, const std::string& needle) {
  return e.value("text", "").find(needle) != std::string::npos;
}

// Two servers of 450 MiB on a 1 GiB pool crash at the same moment; one's memory comes back at
// once, the other's is still held by the "driver". Each gate sees ~570 MiB, enough for one of
// them. Without the ledger both open and both load: the kernel's OOM killer fires in the pool.
// With it the second start sees the first's claim as spoken for, waits, names whom it waits for,
// and starts once the held memory is given back: both serve, no OOM kill.
TEST(Pool, TwoServersCrashingTogetherComeBackOneAfterTheOther) {
  for (const bool ledger : {true, false}) {
    SCOPED_TRACE(ledger ? "with the ledger" : "without the ledger");
    HEADROOM_POOL(pool, ledger ? "headroom-test-ledger" : "headroom-test-noledger", 1 * kGiB);
    test::MemDir held(ledger ? "ledger" : "noledger", 600 * kMiB);
    const std::string go = scratch(ledger ? "go-ledger" : "go-noledger");
    touch(go);  // the first starts allocate at once
    const std::string tag = ledger ? "l" : "n";
    Server a = supervise(pool, "pool-a-" + tag, "450M", 450, go, ledger);
    Server b = supervise(pool, "pool-b-" + tag, "450M", 450, go, ledger, held.path());
    for (const Server* s : {&a, &b})
      ASSERT_FALSE(wait_event(s->events, event_is("ready")).is_null()) << s->name;
    const uint64_t kills = pool.oom_kills();

    fs::remove(go);  // the next starts hold nothing until the test says
    test::http_get(a.port, "/crash");
    test::http_get(b.port, "/crash");
    for (const Server* s : {&a, &b})
      ASSERT_FALSE(wait_event(s->events, event_is("died")).is_null()) << s->name;
    ASSERT_GE(pool.usage(), 400 * kMiB) << "b's memory is still held";

    if (ledger) {
      const auto [first, started] = wait_either(a, b, event_is("started", 2));
      ASSERT_GE(first, 0) << "one start is let in";
      const Server& one = first == 0 ? a : b;
      const Server& other = first == 0 ? b : a;
      const json waiting = wait_event(other.events, [&](const json& e) {
        return e.value("event", "") == "waiting" && text_has(e, one.name + " is loading");
      });
      ASSERT_FALSE(waiting.is_null()) << "the other waits for the first's claim";
      EXPECT_NE(waiting.value("text", "").find("of its 450 MiB claim still to come"),
                std::string::npos)
          << waiting.dump();
      touch(go);
      ASSERT_FALSE(wait_event(one.events, event_is("ready")).is_null());
      EXPECT_TRUE(
          wait_event(other.events, event_is("started", 2), std::chrono::milliseconds(0)).is_null())
          << "the second start waits while the pool cannot hold it";
      EXPECT_EQ(release_dead(held.path()), 1);  // the driver gives b's old memory back
      ASSERT_FALSE(wait_event(other.events, event_is("started", 2)).is_null());
      int ready = 0;
      const auto deadline = Clock::now() + test::kPatience;
      while (ready < 2 && Clock::now() < deadline) {
        ready = 0;
        for (const json& e : test::read_events(other.events))
          ready += e.value("event", "") == "ready";
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      EXPECT_EQ(ready, 2) << "both serve again";
      EXPECT_EQ(pool.oom_kills(), kills) << "no OOM kill in the pool";
    } else {
      for (const Server* s : {&a, &b}) {
        ASSERT_FALSE(wait_event(s->events, event_is("started", 2)).is_null())
            << s->name << ": alone, each gate opens on what it sees";
      }
      touch(go);
      const auto deadline = Clock::now() + test::kPatience;
      while (pool.oom_kills() == kills && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      EXPECT_GT(pool.oom_kills(), kills) << "double-booked: the kernel's OOM killer fired";
      std::printf("without the ledger: %llu OOM kill(s) in the pool\n",
                  static_cast<unsigned long long>(pool.oom_kills() - kills));
    }
    for (Server* s : {&a, &b}) {
      s->hr->kill(SIGTERM);
      EXPECT_NE(s->hr->wait(), -1);
      fs::remove(s->events);
    }
    release_dead(held.path());
    fs::remove(go);
    fs::remove_all(pool_ledger_dir(pool.name()));
  }
}

// A server still loading holds little of what it will take: a second start on the pool counts
// its claim as spoken for and waits, naming it. When the first one's headroom is SIGKILLed, its
// entry is stale (its PID is gone): the next reader drops it and the second start goes ahead.
TEST(Pool, ALoadingClaimIsNotDoubleBookedAndAStaleEntryDoesNotBlock) {
  HEADROOM_POOL(pool, "headroom-test-claim", 1 * kGiB);
  const std::string never = scratch("never");  // the first server never gets to allocate
  const std::string go = scratch("go-claim");
  touch(go);
  Server slow = supervise(pool, "pool-slow", "600M", 600, never, true);
  ASSERT_FALSE(wait_event(slow.events, event_is("started")).is_null());
  Server next = supervise(pool, "pool-next", "500M", 500, go, true);
  const json waiting = wait_event(next.events, [](const json& e) {
    return e.value("event", "") == "waiting" && text_has(e, "pool-slow is loading");
  });
  ASSERT_FALSE(waiting.is_null()) << "the pool shows ~1 GiB free, but 600 MiB of it is promised";
  EXPECT_NE(waiting.value("text", "").find("of its 600 MiB claim still to come"), std::string::npos)
      << waiting.dump();
  EXPECT_TRUE(wait_event(next.events, event_is("started"), std::chrono::milliseconds(0)).is_null());
  // `headroom wait` (before a start it does not supervise) counts the claim too, and says whose.
  const test::RunResult w =
      test::run({test::headroom_bin(), "wait", "--no-gpu", "--cgroup", pool.name(), "--free",
                 "500M", "--settle", "0", "--timeout", "300ms"});
  EXPECT_EQ(w.exit_code, 1) << w.err;
  EXPECT_NE((w.out + w.err).find("is claimed: pool-slow is loading: "), std::string::npos)
      << w.out << w.err;

  slow.hr->kill(SIGKILL);  // its entry stays in the ledger, its PID gone
  EXPECT_NE(slow.hr->wait(), -1);
  const json ready = wait_event(next.events, event_is("ready"));
  ASSERT_FALSE(ready.is_null()) << "the stale entry does not block the pool";
  std::string log;
  for (std::string line;
       log.find("pool-slow (pid ") == std::string::npos && !(line = next.hr->read_line()).empty();)
    log += line + "\n";
  EXPECT_NE(log.find("pool-slow (pid " + std::to_string(slow.hr->pid())), std::string::npos)
      << "the dropped entry is said: " << log;
  EXPECT_EQ(pool.oom_kills(), 0u);
  next.hr->kill(SIGTERM);
  EXPECT_NE(next.hr->wait(), -1);
  for (const std::string& p : {slow.events, next.events, never, go})
    fs::remove(p);
  fs::remove_all(pool_ledger_dir(pool.name()));
}

// --free auto: the first run measures what the stand-in holds (300 MiB of anonymous memory, in
// its resident set) and keeps it by the server's name; the second start gates on that peak and
// its margin, and says where the figure comes from. Needs no root (the footprint is kept in the
// user's state directory then).
TEST(Pool, TheSecondStartGatesOnTheLearnedFootprint) {
  const std::string name = "fp-test-" + std::to_string(::getpid());
  fs::remove(footprint_path(name));
  const int port = free_tcp_port();
  auto run = [&](const std::string& free) {
    ChildOptions o;
    o.merge_stderr = true;
    std::vector<std::string> args{test::headroom_bin(),
                                  "run",
                                  "--no-gpu",
                                  "--no-lint",
                                  "--name",
                                  name,
                                  "--settle",
                                  "0",
                                  "--health",
                                  "http://127.0.0.1:" + std::to_string(port) + "/health"};
    if (!free.empty()) args.insert(args.end(), {"--free", free});
    args.insert(args.end(), {"--", test::sim_bin("headroom-standin"), "--port",
                             std::to_string(port), "--memory", "300", "--alloc", "anon"});
    return std::make_unique<Child>(args, o);
  };
  auto first = run("64M");
  std::optional<Footprint> fp;
  const auto deadline = Clock::now() + test::kPatience;
  while (Clock::now() < deadline) {
    auto got = load_footprint(name);
    ASSERT_TRUE(got) << got.error().message;
    if (*got && (*got)->peak >= 290 * kMiB) {
      fp = *got;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  first->kill(SIGTERM);
  EXPECT_NE(first->wait(), -1);
  ASSERT_TRUE(fp) << "a footprint of at least 290 MiB was recorded";
  const double err = (static_cast<double>(fp->peak) - 300.0 * kMiB) / (300.0 * kMiB);
  std::printf("learned footprint %.1f MiB for a 300 MiB stand-in (%+.1f %%)\n",
              static_cast<double>(fp->peak) / kMiB, err * 100);
  EXPECT_LE(std::abs(err), 0.05) << fp->peak;
  EXPECT_EQ(fp->runs, 1u);

  auto second = run("auto");
  std::string log;
  for (std::string line;
       log.find("supervising ") == std::string::npos && !(line = second->read_line()).empty();)
    log += line + "\n";
  const std::string target = format_bytes(learned_target(fp->peak));
  EXPECT_NE(log.find("--free auto: " + target + " = the footprint learned for " + name + " (" +
                     format_bytes(fp->peak) + " peak"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("gate: memory >= " + target), std::string::npos) << log;
  second->kill(SIGTERM);
  EXPECT_NE(second->wait(), -1);

  // Without a footprint, the first start gates on `headroom plan`'s figure for the command line
  // when plan can read its model (a vLLM line here, the stand-in playing vLLM)...
  fs::remove(footprint_path(name));
  const std::string model = scratch("fp-model");
  test::write_hf_model(model, test::fixtures_dir() + "/models/qwen2.5-7b/config.json",
                       test::dense_tensors(2, 256, 4, 2, 64, 512, 1000, "BF16"), 1);
  const std::string links = scratch("fp-links");
  fs::create_directories(links);
  fs::create_symlink(test::sim_bin("headroom-standin"), links + "/vllm");
  {
    ChildOptions o;
    o.merge_stderr = true;
    Child planned({test::headroom_bin(), "run", "--no-gpu", "--no-lint", "--name", name, "--free",
                   "auto", "--", links + "/vllm", "serve", model, "--gpu-memory-utilization",
                   "0.05", "--port", std::to_string(port)},
                  o);
    std::string out;
    for (std::string line;
         out.find("supervising ") == std::string::npos && !(line = planned.read_line()).empty();)
      out += line + "\n";
    EXPECT_NE(out.find("--free auto: "), std::string::npos) << out;
    EXPECT_NE(out.find(" = `headroom plan`'s figure for this command (vLLM"), std::string::npos)
        << out;
    planned.kill(SIGTERM);
    EXPECT_NE(planned.wait(), -1);
  }
  fs::remove_all(links);
  fs::remove_all(model);

  // ...and where it cannot, --free auto is an error that says what to give instead.
  fs::remove(footprint_path(name));
  const test::RunResult none = test::run({test::headroom_bin(), "run", "--no-gpu", "--no-lint",
                                          "--name", name, "--free", "auto", "--", "/bin/true"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("--free auto: no footprint of " + name + " is known yet"),
            std::string::npos)
      << none.err;
}

// The host guard: a stand-in that keeps allocating once serving (300 MiB, then 900 MiB more over
// 15 s: past the 1 GiB pool, where the kernel's OOM killer would end it) is stopped by headroom
// once the pool has stayed below the guard for --guard-for, with the verdict naming both figures
// and what the server held, and is started again through the gate: no OOM kill in the pool.
TEST(Pool, TheGuardStopsAServerThatKeepsAllocatingBeforeTheOomKiller) {
  HEADROOM_POOL(pool, "headroom-test-guard", 1 * kGiB);
  const std::string grow = scratch("grow");
  const std::string ev = scratch("guard.jsonl");
  const int port = free_tcp_port();
  ChildOptions o;
  o.merge_stderr = true;
  Child hr({test::headroom_bin(),
            "run",
            "--no-gpu",
            "--no-lint",
            "--no-ledger",
            "--name",
            "pool-guard",
            "--cgroup",
            pool.name(),
            "--free",
            "100M",
            "--settle",
            "0",
            "--events",
            ev,
            "--health",
            "http://127.0.0.1:" + std::to_string(port) + "/health",
            "--guard-available",
            "400M",
            "--guard-for",
            "1s",
            "--burst",
            "5",
            "--",
            test::sim_bin("headroom-standin"),
            "--port",
            std::to_string(port),
            "--join-cgroup",
            pool.dir(),
            "--memory",
            "300",
            "--alloc",
            "anon",
            "--grow-when",
            grow,
            "--grow",
            "900",
            "--grow-seconds",
            "15"},
           o);
  ASSERT_FALSE(wait_event(ev, event_is("ready")).is_null());
  touch(grow);
  const json died = wait_event(ev, event_is("died"));
  ASSERT_FALSE(died.is_null());
  EXPECT_EQ(died.value("reason", ""), "guard") << died.dump();
  const std::string verdict = died.value("verdict", "");
  EXPECT_EQ(verdict.rfind("stopped by headroom: pool available ", 0), 0u) << verdict;
  EXPECT_NE(verdict.find(" < guard 400 MiB for 1.0s (server held "), std::string::npos) << verdict;
  const json stopping = wait_event(ev, event_is("stopping"));
  EXPECT_NE(stopping.value("text", "").find("stopped by headroom"), std::string::npos)
      << "said before the signal: " << stopping.dump();
  fs::remove(grow);  // the next start serves without growing
  EXPECT_FALSE(wait_event(ev, event_is("started", 2)).is_null()) << "restarted through the gate";
  EXPECT_EQ(pool.oom_kills(), 0u) << "stopped before the kernel's OOM killer acted";
  hr.kill(SIGTERM);
  EXPECT_NE(hr.wait(), -1);
  fs::remove(ev);
}

}  // namespace
}  // namespace headroom
