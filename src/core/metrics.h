// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// What `headroom run` counts, in Prometheus' text format (node_exporter-style names):
// headroom_build_info{version}, headroom_up, headroom_ready, headroom_phase{phase},
// headroom_starts_total, headroom_restarts_total{reason}, headroom_deaths_total{reason},
// headroom_probe_failures_total{probe,result}, headroom_oom_kills_total,
// headroom_start_limit_hits_total, headroom_gate_wait_seconds (histogram),
// headroom_gate_target_bytes, headroom_memory_{available,total}_bytes,
// headroom_server_memory_bytes, headroom_claim_bytes, headroom_guard_stops_total. Every series with
// a fixed label set is there from the first scrape, at 0, so increase(...[1h]) sees the first
// event.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/sample.h"
#include "core/size.h"
#include "core/supervisor.h"

namespace headroom {

class RunMetrics {
 public:
  void on_event(const RunEvent& e);
  void on_phase(Phase p);
  // Every probe's answer (events carry only its changes).
  void on_probe(const ProbeOutcome& p);
  // The gate's target (--free), resolved against the pool at each scrape; none without one.
  void set_gate_target(std::optional<SizeSpec> t) { target_ = t; }
  // What the server holds now (RunHost measures it) and what it claims in the pool's ledger.
  void set_held(uint64_t bytes) { held_ = bytes; }
  void set_claim(uint64_t bytes) { claim_ = bytes; }

  // The reasons a death or a restart can carry (Verdict::reason), for the series at 0.
  static const std::vector<std::string>& reasons();

  // The exposition text. `pool` is a fresh reading when the scrape could take one.
  std::string render(const std::optional<PoolView>& pool) const;

  // Bucket upper bounds of the gate wait histogram, in seconds: from "memory was already there"
  // to the 300 s default timeout and beyond.
  static constexpr std::array<double, 12> kBuckets{0.1, 0.5, 1,   2,   5,   10,
                                                   30,  60,  120, 300, 600, 1800};

  bool up() const { return up_; }
  bool ready() const { return ready_; }

 private:
  bool up_ = false, ready_ = false;
  Phase phase_ = Phase::kWaiting;
  std::optional<SizeSpec> target_;
  uint64_t starts_ = 0, oom_kills_ = 0, limit_hits_ = 0, guard_stops_ = 0;
  std::optional<uint64_t> held_, claim_;
  std::map<std::string, uint64_t> restarts_, deaths_;
  std::map<std::pair<std::string, std::string>, uint64_t> probe_failures_;  // (probe, result)
  std::string version_ = "unknown";

 public:
  void set_version(std::string v) { version_ = std::move(v); }
  std::array<uint64_t, kBuckets.size()> bucket_counts_{};
  uint64_t gate_count_ = 0;
  double gate_sum_ = 0;
};

}  // namespace headroom
