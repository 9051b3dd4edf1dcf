// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The memory gate: a pure decision fed (time, pool numbers, pressure, pending processes). It
// opens when every condition has held continuously for the settle window, and times out
// otherwise. No clock, no I/O: the shell samples, sleeps and prints; tests feed recorded series.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/defaults.h"
#include "core/duration.h"
#include "core/size.h"

namespace headroom {

struct GateConfig {
  std::optional<SizeSpec> target;  // pool available >= target
  Duration settle = defaults::kSettle.value;
  Duration timeout = defaults::kGateTimeout.value;  // kForever: no timeout
  std::optional<double> max_pressure;               // PSI "some avg10" in percent
};

enum class GateState { kWaiting, kSettling, kOpen, kTimedOut };

// Conditions not met, as bits: several can hold at once.
enum Blocker : unsigned {
  kBlockNone = 0,
  kBlockMemory = 1u << 0,    // available < target
  kBlockPressure = 1u << 1,  // PSI some avg10 > max
  kBlockGone = 1u << 2,      // a process, cgroup or GPU PID named by --gone is still there
  kBlockQueue = 1u << 3,     // another server on the pool is ahead in the start queue
};

struct GateInput {
  Instant now{};
  uint64_t pool_total = 0;
  uint64_t available = 0;
  std::optional<double> pressure;  // nullopt: the kernel has no PSI; the condition is skipped
  int pending = 0;                 // --gone items still present
  bool queued = false;             // another server on the pool starts first (the ledger)
};

struct GateVerdict {
  GateState state = GateState::kWaiting;
  unsigned blockers = kBlockNone;
  uint64_t target = 0;     // the resolved target in bytes (0 without a target)
  uint64_t available = 0;  // as fed
  uint64_t shortfall = 0;  // target - available when short, else 0
  Duration elapsed{};      // since the gate started
  Duration settled{};      // how long all conditions have held so far
  bool operator==(const GateVerdict&) const = default;
};

class Gate {
 public:
  Gate(GateConfig config, Instant start) : config_(std::move(config)), start_(start) {}

  GateVerdict feed(const GateInput& in);
  // An opening that could not be taken (the pool's ledger said no at the last moment): wait on,
  // the settle window from the start, the timeout still counted from the gate's start.
  void reopen() {
    done_ = false;
    ok_since_.reset();
  }
  const GateConfig& config() const { return config_; }
  Instant start() const { return start_; }

 private:
  GateConfig config_;
  Instant start_;
  std::optional<Instant> ok_since_;  // when all conditions last started to hold
  bool done_ = false;
  GateVerdict last_;
};

const char* to_string(GateState s);

// "memory", "memory+pressure", ...: for logs and JSON.
std::string blockers_string(unsigned blockers);

}  // namespace headroom
