// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The host guard: a running server is stopped by headroom, cleanly and while the machine still
// answers, when the pool stays below --guard-available (or PSI memory "full avg10" stays at or
// above --guard-pressure) for --guard-for. On GB10 an over-committed pool does not end in a clean
// OOM kill: hard resets after NV_ERR_NO_MEMORY during long prefills (NVIDIA/dgx-spark-playbooks
// #97), the host taken down when a sleeping vLLM wakes (vllm-project/vllm#50011), sshd timing out
// while the box thrashes (eugr/spark-vllm-docker#257), available memory at 14 % just before a
// crash (eugr/spark-vllm-docker#321). A pure decision over the samples; the supervisor acts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/defaults.h"
#include "core/duration.h"
#include "core/sample.h"
#include "core/size.h"

namespace headroom {

struct GuardConfig {
  std::optional<SizeSpec> available;  // stop below this much available memory
  std::optional<double> pressure;     // stop at or above this PSI memory "full avg10", percent
  Duration hold = defaults::kGuardFor.value;
  bool enabled() const { return available.has_value() || pressure.has_value(); }
};

// The default on a unified-memory machine (the GPU's memory is the system's): 4 GiB available,
// or 5 % of the pool where that is less (an 8 GB Jetson), for 5 s.
GuardConfig default_guard(uint64_t pool_total);

class Guard {
 public:
  explicit Guard(GuardConfig c) : c_(c) {}
  // One sample of the pool while the server runs, and what the server holds now. Returns the
  // verdict line once the condition has held for the whole --guard-for: "stopped by headroom:
  // pool available 2.1 GiB < guard 4.0 GiB for 5s (server held 96.0 GiB)".
  std::optional<std::string> feed(Instant t, const PoolView& pool, const PsiSample& psi,
                                  uint64_t held);
  void reset() { since_.reset(); }

 private:
  GuardConfig c_;
  std::optional<Instant> since_;
};

}  // namespace headroom
