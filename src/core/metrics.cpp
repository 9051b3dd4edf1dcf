// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/metrics.h"

#include <fmt/format.h>

namespace headroom {

void RunMetrics::on_phase(Phase p) {
  up_ = p == Phase::kStarting || p == Phase::kServing || p == Phase::kStopping;
  ready_ = p == Phase::kServing;
}

void RunMetrics::on_probe(const ProbeOutcome& p) {
  if (!p.ok) ++probe_failures_[{p.probe, p.result}];
}

void RunMetrics::on_event(const RunEvent& e) {
  switch (e.kind) {
    case RunEvent::Kind::kGateOpened:
      ++gate_count_;
      gate_sum_ += e.seconds;
      for (size_t i = 0; i < kBuckets.size(); ++i) {
        if (e.seconds <= kBuckets[i]) ++bucket_counts_[i];
      }
      break;
    case RunEvent::Kind::kStarted:
      ++starts_;
      break;
    case RunEvent::Kind::kDied:
      if (e.verdict) {
        ++deaths_[e.verdict->reason];
        if (e.verdict->cause == Cause::kOomKiller) ++oom_kills_;
      }
      break;
    case RunEvent::Kind::kRestarting:
      ++restarts_[e.verdict ? e.verdict->reason : "requested"];
      break;
    case RunEvent::Kind::kGaveUp:
      if (e.verdict && e.verdict->cause != Cause::kExecFailed) ++limit_hits_;
      break;
    case RunEvent::Kind::kReady:
    case RunEvent::Kind::kStopping:
    case RunEvent::Kind::kExited:
    case RunEvent::Kind::kProbe:
      break;
  }
}

std::string RunMetrics::render(const std::optional<PoolView>& pool) const {
  std::string out;
  auto metric = [&out](std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  };
  if (pool) {
    metric("headroom_memory_available_bytes", "gauge",
           "Memory the pool has for a new start: min(MemAvailable, cgroup limit - usage + inactive "
           "file).");
    fmt::format_to(std::back_inserter(out), "headroom_memory_available_bytes {}\n",
                   pool->available);
    metric("headroom_memory_total_bytes", "gauge", "Size of the pool.");
    fmt::format_to(std::back_inserter(out), "headroom_memory_total_bytes {}\n", pool->total);
  }
  metric("headroom_up", "gauge", "1 while the server process runs.");
  fmt::format_to(std::back_inserter(out), "headroom_up {}\n", up_ ? 1 : 0);
  metric("headroom_ready", "gauge",
         "1 while the server is healthy (or running, without --health).");
  fmt::format_to(std::back_inserter(out), "headroom_ready {}\n", ready_ ? 1 : 0);
  metric("headroom_starts_total", "counter", "Server processes started.");
  fmt::format_to(std::back_inserter(out), "headroom_starts_total {}\n", starts_);
  metric("headroom_restarts_total", "counter", "Restarts, by the reason of the death before.");
  for (const auto& [reason, n] : restarts_) {
    fmt::format_to(std::back_inserter(out), "headroom_restarts_total{{reason=\"{}\"}} {}\n", reason,
                   n);
  }
  metric("headroom_deaths_total", "counter", "Server deaths and failed starts, by verdict.");
  for (const auto& [reason, n] : deaths_) {
    fmt::format_to(std::back_inserter(out), "headroom_deaths_total{{reason=\"{}\"}} {}\n", reason,
                   n);
  }
  metric("headroom_probe_failures_total", "counter",
         "Probes that failed, by probe (health, generate) and answer (refused, timeout, http_N, "
         "error).");
  for (const auto& [key, n] : probe_failures_) {
    fmt::format_to(std::back_inserter(out),
                   "headroom_probe_failures_total{{probe=\"{}\",result=\"{}\"}} {}\n", key.first,
                   key.second, n);
  }
  metric("headroom_oom_kills_total", "counter", "Server deaths by the kernel OOM killer.");
  fmt::format_to(std::back_inserter(out), "headroom_oom_kills_total {}\n", oom_kills_);
  metric("headroom_start_limit_hits_total", "counter", "Times the start limit ended the restarts.");
  fmt::format_to(std::back_inserter(out), "headroom_start_limit_hits_total {}\n", limit_hits_);
  metric("headroom_gate_wait_seconds", "histogram",
         "How long the memory gate held each start up: until the settle window that opened it "
         "began (0 when memory was there at once; the settle window is not counted).");
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    fmt::format_to(std::back_inserter(out), "headroom_gate_wait_seconds_bucket{{le=\"{}\"}} {}\n",
                   kBuckets[i], bucket_counts_[i]);
  }
  fmt::format_to(std::back_inserter(out), "headroom_gate_wait_seconds_bucket{{le=\"+Inf\"}} {}\n",
                 gate_count_);
  fmt::format_to(std::back_inserter(out), "headroom_gate_wait_seconds_sum {}\n", gate_sum_);
  fmt::format_to(std::back_inserter(out), "headroom_gate_wait_seconds_count {}\n", gate_count_);
  return out;
}

}  // namespace headroom
