// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The pool ledger: what every headroom supervising a server on one memory pool has said about
// it, in a directory they all share (runtime_dir()/pools/KEY/, no daemon):
//   lock       flock(2)ed around every read-modify-write, so admissions are one at a time
//   seq        the next queue ticket
//   NAME.json  one entry per server (core/admission.h's LedgerEntry), replaced by rename(2), so
//              a headroom killed mid-write leaves the old entry or the new one, never half of one
// An entry whose PID is gone, or runs a process started at another time (a reused PID), is
// stale: whoever reads the ledger next removes it. A file that does not parse is reported by
// name and skipped; it cannot block the pool.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/admission.h"
#include "core/result.h"
#include "core/sample.h"
#include "core/wait_loop.h"
#include "probe/cgroup.h"

namespace headroom {

// The entry format (one JSON object). parse_entry refuses what is not one, naming the problem.
std::string format_entry(const LedgerEntry& e);
Result<LedgerEntry> parse_entry(std::string_view text);

// /proc/PID/stat's start time of a live process; 0 when there is none.
uint64_t process_start_ticks(int pid);
// The entry's supervisor is still the process that wrote it.
bool entry_alive(const LedgerEntry& e);

// A pool's directory under runtime_dir(): "system" for the machine's memory, else the cgroup's
// path made into one file name ("/sys/fs/cgroup/gpu.slice" -> "cgroup-sys-fs-cgroup-gpu.slice").
std::string pool_ledger_dir(std::string_view pool_key);

struct LedgerRead {
  std::vector<LedgerEntry> entries;     // live ones
  std::vector<std::string> dropped;     // stale entries removed: "vllm-b (pid 4242 has exited)"
  std::vector<std::string> unreadable;  // "DIR/x.json: not valid JSON": skipped
};

// The live entries of a pool's directory without its lock and without removing anything, for
// `headroom status` (a reader that may not write there); stale ones are listed as dropped.
Result<LedgerRead> peek_ledger(const std::string& dir);

// Which pool's ledger a run on `pool` takes part in: the outermost cgroup whose limit bounds the
// pool (servers in sibling units of one limited slice share the slice's), else "system".
std::string pool_key(const CgroupRef& pool, const Sample& s);

class PoolLedger {
 public:
  // Creates the directory (0755) when missing.
  static Result<PoolLedger> open(std::string dir);
  const std::string& dir() const { return dir_; }

  // Under the lock: every live entry; stale ones removed.
  Result<LedgerRead> read() const;
  // Under the lock: writes `e` (a ticket from the counter first when it has none, which `e`
  // keeps), and returns the live entries of the others.
  Result<LedgerRead> write(LedgerEntry& e) const;
  // Under the lock: reads the others, asks `decide` whether `e` may start now, and if it says
  // yes writes `e` as loading before the lock is released: the next gate to ask sees its claim.
  Result<bool> admit(LedgerEntry& e,
                     const std::function<bool(const std::vector<LedgerEntry>&)>& decide) const;
  // Removes NAME's entry if `pid` wrote it.
  void remove(const std::string& name, int pid) const;

 private:
  explicit PoolLedger(std::string dir) : dir_(std::move(dir)) {}
  template <class F>
  auto locked(F&& f) const -> decltype(f());
  Result<LedgerRead> read_unlocked() const;
  Status write_unlocked(LedgerEntry& e) const;
  std::string dir_;
};

// One supervisor's seat on its pool: the gate's PoolShare over the ledger, and its entry kept as
// the server moves through its phases. What a loading neighbour holds is measured by the reader
// (the resident memory of the neighbour's descendants: its server's process tree), so a claim
// stops being promised as it is taken; a server in a container is not a descendant, so its whole
// claim stays promised until it is ready (the safe side).
class LedgerSeat : public PoolShare {
 public:
  static Result<std::unique_ptr<LedgerSeat>> open(std::string dir, LedgerEntry me);
  ~LedgerSeat() override;
  LedgerSeat(const LedgerSeat&) = delete;
  LedgerSeat& operator=(const LedgerSeat&) = delete;

  Result<PoolStanding> standing() override;
  Result<bool> take(uint64_t available, uint64_t target) override;
  // The server's phase changed: waiting (a new place at the back of the queue), loading,
  // serving, stopping.
  Status moved(PoolPhase p);
  // What the server holds now (RunHost measures it): written while it loads, when it has moved by
  // a twentieth of the claim, so the others count only what it has still to take.
  Status holds(uint64_t bytes);
  const LedgerEntry& entry() const { return me_; }
  const std::string& dir() const { return ledger_.dir(); }
  // Stale entries dropped and files skipped since the last call, each said once.
  std::vector<std::string> take_notes();

 private:
  LedgerSeat(PoolLedger l, LedgerEntry me) : ledger_(std::move(l)), me_(std::move(me)) {}
  void remember(const LedgerRead& r);
  std::vector<LedgerEntry> measured(std::vector<LedgerEntry> others) const;
  PoolLedger ledger_;
  LedgerEntry me_;
  std::vector<std::string> notes_;
  std::vector<std::string> said_;
};

// What loading neighbours' claims each still hold (their process trees' resident memory).
std::vector<LedgerEntry> measure_loading(std::vector<LedgerEntry> others);

// A gate that reads the pool's ledger but has no seat in it (`headroom wait`, before a start it
// does not supervise: it cannot say when that server has loaded): the loading neighbours' untaken
// claims are taken off what the pool shows, and the waiting line names them. It queues behind
// no one and holds no claim.
class LedgerReader : public PoolShare {
 public:
  LedgerReader(std::string dir, std::string name) : dir_(std::move(dir)), name_(std::move(name)) {}
  Result<PoolStanding> standing() override;
  Result<bool> take(uint64_t, uint64_t) override { return true; }

 private:
  std::string dir_, name_;
};

}  // namespace headroom
