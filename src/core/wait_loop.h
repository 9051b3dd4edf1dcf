// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The sampling loop around the Gate: sample, decide, report, sleep, on fixed ticks of the
// monotonic clock. Shared by `wait` and, before every start, by `run`.
#pragma once

#include <string>
#include <string_view>

#include "core/gate.h"
#include "core/sources.h"

namespace headroom {

class WaitObserver {
 public:
  virtual ~WaitObserver() = default;
  // Called after every sample with the gate's answer.
  virtual void on_sample(const Sample& s, const PoolView& pool, const GateVerdict& v,
                         std::string_view pending_what) = 0;
  // Polled between samples; true ends the wait early (a signal arrived).
  virtual bool cancelled() { return false; }
  // The memory source changed what it reads (MemorySource::take_notice).
  virtual void on_notice(std::string_view /*text*/) {}
};

// The other servers on the same memory pool (the pool ledger, act/pool_ledger.h): what their
// loading has yet to take, which the pool's "available" still shows although it is spoken for,
// and whether this start is next in their queue. The shell implements it; without one (`wait`,
// `--no-ledger`) a gate sees the pool alone.
struct PoolStanding {
  uint64_t promised = 0;  // taken off what the pool shows
  bool queued = false;    // a start queued before this one waits still
  std::string why;        // "queued behind vllm-b (pid 4242)", "sglang-a is loading: …"
};
class PoolShare {
 public:
  virtual ~PoolShare() = default;
  virtual Result<PoolStanding> standing() = 0;
  // The gate opened with `available` shown and `target` wanted: takes the start if the others
  // still leave room under the ledger's lock, and says so there before anyone else can look.
  // False: they no longer do (another start was let in first); the gate waits on.
  virtual Result<bool> take(uint64_t available, uint64_t target) = 0;
};

struct WaitOutcome {
  GateVerdict verdict;
  PoolView pool;
  Sample last;  // the sample the last verdict came from
  std::string pending_what;
  int samples = 0;
  bool cancelled = false;
  // Set, and the wait ended at its first sample, when the target is more than the pool can ever
  // have (its cgroup limit, or MemTotal): "--free 2.00 GiB, but the pool is 900 MiB in all".
  std::string impossible;
};

// The target can never be met in a pool of `pool_total` bytes: what to say, else "".
std::string impossible_target(const GateConfig& cfg, uint64_t pool_total);

// Runs until the gate opens, times out, or the observer cancels, or at once when the target is
// impossible (WaitOutcome::impossible). Errors from the sources (meminfo became unreadable) end
// the wait with that error.
Result<WaitOutcome> run_gate(Gate& gate, MemorySource& memory, GoneWatch* gone, Clock& clock,
                             Duration interval, WaitObserver& observer, PoolShare* share = nullptr);

}  // namespace headroom
