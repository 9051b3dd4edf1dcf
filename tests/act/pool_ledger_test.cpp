// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The pool ledger on a real directory: entries written and read back, tickets in order, stale
// entries (a dead PID, a reused one) dropped, broken files skipped by name, admission under the
// lock, and a writer killed in the middle of a write.
#include "act/pool_ledger.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <filesystem>
#include <fstream>

#include "core/size.h"
#include "probe/fs.h"

namespace headroom {
namespace {

namespace fs = std::filesystem;

class PoolLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(HEADROOM_SCRATCH) /
           ("ledger-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto l = PoolLedger::open(dir_.string());
    ASSERT_TRUE(l) << l.error().message;
    ledger_.emplace(std::move(*l));
  }
  void TearDown() override { fs::remove_all(dir_); }
  LedgerEntry me(const char* name, uint64_t claim_gib = 10) {
    LedgerEntry e;
    e.name = name;
    e.pid = ::getpid();
    e.start_ticks = process_start_ticks(e.pid);
    e.claim = claim_gib * kGiB;
    return e;
  }
  // A child that has exited and been reaped: its PID names no process.
  static int dead_pid() {
    const pid_t c = ::fork();
    if (c == 0) ::_exit(0);
    ::waitpid(c, nullptr, 0);
    return c;
  }
  fs::path dir_;
  std::optional<PoolLedger> ledger_;
};

TEST_F(PoolLedgerTest, EntriesRoundTripWithTicketsInOrder) {
  LedgerEntry a = me("sglang-a", 60);
  ASSERT_TRUE(ledger_->write(a));
  LedgerEntry b = me("vllm-b", 40);
  b.priority = 2;
  auto others = ledger_->write(b);
  ASSERT_TRUE(others);
  ASSERT_EQ(others->entries.size(), 1u);
  EXPECT_EQ(others->entries[0], a);
  EXPECT_EQ(a.ticket, 1u);
  EXPECT_EQ(b.ticket, 2u);
  // Writing again keeps the ticket: a phase change does not lose the place in the queue.
  b.phase = PoolPhase::kServing;
  b.held = 39 * kGiB;
  ASSERT_TRUE(ledger_->write(b));
  EXPECT_EQ(b.ticket, 2u);
  auto all = ledger_->read();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->entries.size(), 2u);
  EXPECT_EQ(all->entries[1], b);
  EXPECT_EQ(parse_entry(format_entry(b)).value(), b);
}

TEST_F(PoolLedgerTest, AnotherLiveSupervisorOfTheSameNameIsRefused) {
  LedgerEntry a = me("sglang");
  ASSERT_TRUE(ledger_->write(a));
  LedgerEntry other = a;
  other.pid = ::getppid();
  other.start_ticks = process_start_ticks(other.pid);
  auto r = ledger_->write(other);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("already on this pool (pid " + std::to_string(a.pid)),
            std::string::npos);
}

TEST_F(PoolLedgerTest, StaleEntriesAreDroppedWithTheReason) {
  // A headroom that was SIGKILLed: its PID is gone. Another whose PID now runs a different
  // process: the start time differs.
  LedgerEntry dead = me("dead");
  dead.pid = dead_pid();
  ASSERT_TRUE(write_file_atomic((dir_ / "dead.json").string(), format_entry(dead)));
  LedgerEntry reused = me("reused");
  reused.start_ticks += 1;
  ASSERT_TRUE(write_file_atomic((dir_ / "reused.json").string(), format_entry(reused)));
  LedgerEntry live = me("live");
  auto r = ledger_->write(live);  // reads the ledger first, as every update does
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->entries.empty());
  ASSERT_EQ(r->dropped.size(), 2u);
  EXPECT_EQ(r->dropped[0], "dead (pid " + std::to_string(dead.pid) + " has exited)");
  EXPECT_FALSE(fs::exists(dir_ / "dead.json"));
  EXPECT_FALSE(fs::exists(dir_ / "reused.json"));
  auto after = ledger_->read();
  ASSERT_TRUE(after);
  ASSERT_EQ(after->entries.size(), 1u);
  EXPECT_EQ(after->entries[0].name, "live");
  EXPECT_TRUE(after->dropped.empty());
}

TEST_F(PoolLedgerTest, BrokenFilesAreNamedAndSkipped) {
  std::ofstream(dir_ / "junk.json") << "{\"name\": \"junk\", \"pid\": \"x\"";
  std::ofstream(dir_ / "elsewhere.json") << format_entry(me("other"));
  auto r = ledger_->read();
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->entries.empty());
  ASSERT_EQ(r->unreadable.size(), 2u);
  EXPECT_EQ(r->unreadable[0],
            (dir_ / "elsewhere.json").string() + ": names other, not the file's own name");
  EXPECT_EQ(r->unreadable[1], (dir_ / "junk.json").string() + ": not a JSON object");
}

TEST_F(PoolLedgerTest, ParseEntryNamesTheProblem) {
  for (const auto& [text, why] : std::vector<std::pair<const char*, const char*>>{
           {"[]", "not a JSON object"},
           {R"({"pid": 5, "phase": "waiting"})", "\"name\": missing, or not a server name"},
           {R"({"name": "../x", "pid": 5, "phase": "waiting"})",
            "\"name\": missing, or not a server name"},
           {R"({"name": "a", "pid": 0, "phase": "waiting"})", "\"pid\": missing, or not a PID"},
           {R"({"name": "a", "pid": 5, "phase": "running"})",
            "\"phase\": not one of waiting, loading, serving, stopping"},
           {R"({"name": "a", "pid": 5, "phase": "loading", "claim": -1})",
            "\"claim\": not a whole number of at least 0"},
           {R"({"name": "a", "pid": 5, "phase": "loading", "priority": 1e9})",
            "\"priority\": not a whole number from -1000 to 1000"}}) {
    auto e = parse_entry(text);
    ASSERT_FALSE(e) << text;
    EXPECT_EQ(e.error().message, why) << text;
  }
}

TEST_F(PoolLedgerTest, AdmissionWritesLoadingBeforeTheLockIsReleased) {
  LedgerEntry a = me("a", 60);
  ASSERT_TRUE(ledger_->write(a));
  // a is let in: the ledger says loading at once, with its claim.
  auto in =
      ledger_->admit(a, [](const std::vector<LedgerEntry>& others) { return others.empty(); });
  ASSERT_TRUE(in);
  EXPECT_TRUE(*in);
  EXPECT_EQ(a.phase, PoolPhase::kLoading);
  // b, deciding next, sees a's whole claim promised; refused, it stays waiting.
  LedgerEntry b = me("b", 40);
  ASSERT_TRUE(ledger_->write(b));
  uint64_t promised = 0;
  auto out = ledger_->admit(b, [&](const std::vector<LedgerEntry>& others) {
    promised = admission(others, b).promised;
    return false;
  });
  ASSERT_TRUE(out);
  EXPECT_FALSE(*out);
  EXPECT_EQ(promised, 60 * kGiB);
  auto r = ledger_->read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->entries[1].phase, PoolPhase::kWaiting);
}

// A loading server writes what it holds in steps of a twentieth of its claim (at least 64 MiB):
// a container is no descendant of its headroom, so the neighbours read this instead of measuring.
TEST_F(PoolLedgerTest, ALoadingSeatWritesWhatItHoldsInSteps) {
  auto seat = LedgerSeat::open(dir_.string(), me("loader", 20));
  ASSERT_TRUE(seat) << seat.error().message;
  auto& s = **seat;
  ASSERT_TRUE(s.moved(PoolPhase::kLoading));
  auto held = [&] {
    auto r = ledger_->read();
    EXPECT_TRUE(r && r->entries.size() == 1);
    return r && !r->entries.empty() ? r->entries[0].held : 0;
  };
  ASSERT_TRUE(s.holds(5 * kGiB));
  EXPECT_EQ(held(), 5 * kGiB);
  ASSERT_TRUE(s.holds(5 * kGiB + 512 * kMiB));  // less than 1 GiB (20 GiB / 20): not written
  EXPECT_EQ(held(), 5 * kGiB);
  ASSERT_TRUE(s.holds(6 * kGiB));
  EXPECT_EQ(held(), 6 * kGiB);
  ASSERT_TRUE(s.moved(PoolPhase::kServing));
  ASSERT_TRUE(s.holds(19 * kGiB));  // serving: nothing still to take, nothing written
  EXPECT_EQ(held(), 0u);
}

TEST_F(PoolLedgerTest, AWriterKilledMidWriteLeavesALedgerTheNextOneReads) {
  // A child rewrites its entry as fast as it can; it is SIGKILLed at some point in that loop,
  // with the lock held or not, a temporary file half written or not. The next reader gets
  // either of the child's entries whole (now stale: dropped), and can write its own.
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t c = ::fork();
  if (c == 0) {
    ::close(ready[0]);
    auto l = PoolLedger::open(dir_.string());
    if (!l) ::_exit(1);
    LedgerEntry e;
    e.name = "writer";
    e.pid = ::getpid();
    e.start_ticks = process_start_ticks(e.pid);
    for (uint64_t i = 0;; ++i) {
      e.held = i;
      e.phase = i % 2 == 0 ? PoolPhase::kLoading : PoolPhase::kServing;
      if (!l->write(e)) ::_exit(2);
      if (i == 50) {
        (void)!::write(ready[1], "1", 1);  // the parent kills from here on
        ::close(ready[1]);
      }
    }
  }
  ::close(ready[1]);
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);  // blocks until the child has written 50 times
  ::close(ready[0]);
  ASSERT_EQ(::kill(c, SIGKILL), 0);
  ::waitpid(c, nullptr, 0);
  auto r = ledger_->read();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->unreadable.empty()) << r->unreadable[0];
  EXPECT_TRUE(r->entries.empty());
  ASSERT_EQ(r->dropped.size(), 1u);
  EXPECT_EQ(r->dropped[0].rfind("writer (pid ", 0), 0u);
  // Its temporary files went with it.
  for (const auto& f : fs::directory_iterator(dir_)) {
    EXPECT_EQ(f.path().filename().string().find(".tmp."), std::string::npos) << f.path();
  }
  // The writer queued once (ticket 1, kept on every rewrite): the next one is second.
  LedgerEntry next = me("next");
  ASSERT_TRUE(ledger_->write(next));
  EXPECT_EQ(next.ticket, 2u);
}

TEST(PoolLedgerDir, OnePerPool) {
  EXPECT_TRUE(pool_ledger_dir("system").ends_with("/pools/system"));
  EXPECT_TRUE(pool_ledger_dir("").ends_with("/pools/system"));
  EXPECT_TRUE(pool_ledger_dir("/sys/fs/cgroup/gpu.slice")
                  .ends_with("/pools/cgroup-sys-fs-cgroup-gpu.slice"));
}

}  // namespace
}  // namespace headroom
