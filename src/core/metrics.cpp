// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/metrics.h"

#include <fmt/format.h>

namespace headroom {

namespace {

const char* phase_name(Phase p) {
  switch (p) {
    case Phase::kWaiting:
      return "waiting";
    case Phase::kStarting:
      return "starting";
    case Phase::kServing:
      return "serving";
    case Phase::kStopping:
      return "stopping";
    case Phase::kDone:
      return "done";
  }
  return "?";
}

}  // namespace

const std::vector<std::string>& RunMetrics::reasons() {
  // core/diagnosis.cpp's verdicts and the supervisor's own (does_not_fit, impossible_target).
  static const std::vector<std::string> kReasons = {
      "does_not_fit",    "exec_failed", "exit",   "gate_timeout",      "gpu_oom",
      "gpu_xid",         "killed",      "oom",    "probe_rejected",    "signal",
      "startup_timeout", "stopped",     "wedged", "impossible_target", "guard"};
  return kReasons;
}

void RunMetrics::on_phase(Phase p) {
  phase_ = p;
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
        if (e.verdict->reason == "guard") ++guard_stops_;
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
    case RunEvent::Kind::kWaiting:
      break;
  }
}

std::string RunMetrics::render(const std::optional<PoolView>& pool) const {
  std::string out;
  auto metric = [&out](std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  };
  metric("headroom_build_info", "gauge", "The headroom that serves these metrics (always 1).");
  fmt::format_to(std::back_inserter(out), "headroom_build_info{{version=\"{}\"}} 1\n", version_);
  if (pool) {
    metric("headroom_memory_available_bytes", "gauge",
           "Memory the pool has for a new start: min(MemAvailable, cgroup limit - usage + inactive "
           "file).");
    fmt::format_to(std::back_inserter(out), "headroom_memory_available_bytes {}\n",
                   pool->available);
    metric("headroom_memory_total_bytes", "gauge", "Size of the pool.");
    fmt::format_to(std::back_inserter(out), "headroom_memory_total_bytes {}\n", pool->total);
  }
  if (target_) {
    metric("headroom_gate_target_bytes", "gauge",
           "The memory gate's target (--free): the pool's available memory a start waits for.");
    fmt::format_to(std::back_inserter(out), "headroom_gate_target_bytes {}\n",
                   pool ? target_->resolve(pool->total) : target_->bytes);
  }
  if (held_) {
    metric("headroom_server_memory_bytes", "gauge",
           "What the server holds now: its process tree's resident memory (the container's in "
           "Docker mode) plus its GPU processes' memory where NVML reports it.");
    fmt::format_to(std::back_inserter(out), "headroom_server_memory_bytes {}\n", *held_);
  }
  if (claim_) {
    metric("headroom_claim_bytes", "gauge",
           "What the server claims in the pool's ledger: counted as spoken for by the other "
           "starts on the pool while it loads.");
    fmt::format_to(std::back_inserter(out), "headroom_claim_bytes {}\n", *claim_);
  }
  metric("headroom_guard_stops_total", "counter",
         "Servers stopped by the host guard (--guard-available, --guard-pressure).");
  fmt::format_to(std::back_inserter(out), "headroom_guard_stops_total {}\n", guard_stops_);
  metric("headroom_phase", "gauge", "1 for the phase the supervisor is in, 0 for the others.");
  for (Phase p :
       {Phase::kWaiting, Phase::kStarting, Phase::kServing, Phase::kStopping, Phase::kDone}) {
    fmt::format_to(std::back_inserter(out), "headroom_phase{{phase=\"{}\"}} {}\n", phase_name(p),
                   p == phase_ ? 1 : 0);
  }
  metric("headroom_up", "gauge", "1 while the server process runs.");
  fmt::format_to(std::back_inserter(out), "headroom_up {}\n", up_ ? 1 : 0);
  metric("headroom_ready", "gauge",
         "1 while the server is healthy (or running, without --health).");
  fmt::format_to(std::back_inserter(out), "headroom_ready {}\n", ready_ ? 1 : 0);
  metric("headroom_starts_total", "counter", "Server processes started.");
  fmt::format_to(std::back_inserter(out), "headroom_starts_total {}\n", starts_);
  // The known reasons from the first scrape on, at 0; one seen that is not known still shows.
  auto by_reason = [&](std::string_view name, const std::map<std::string, uint64_t>& counts,
                       bool requested) {
    std::map<std::string, uint64_t> all = counts;
    for (const std::string& r : reasons())
      all.emplace(r, 0);
    if (requested) all.emplace("requested", 0);
    for (const auto& [reason, n] : all) {
      fmt::format_to(std::back_inserter(out), "{}{{reason=\"{}\"}} {}\n", name, reason, n);
    }
  };
  metric("headroom_restarts_total", "counter", "Restarts, by the reason of the death before.");
  by_reason("headroom_restarts_total", restarts_, true);
  metric("headroom_deaths_total", "counter", "Server deaths and failed starts, by verdict.");
  by_reason("headroom_deaths_total", deaths_, false);
  metric("headroom_probe_failures_total", "counter",
         "Probes that failed, by probe (health, generate) and answer (refused, timeout, http_N, "
         "error).");
  std::map<std::pair<std::string, std::string>, uint64_t> probes = probe_failures_;
  for (const char* probe : {"health", "generate"}) {
    for (const char* result : {"refused", "timeout", "error"})
      probes.emplace(std::pair{probe, result}, 0);
  }
  for (const auto& [key, n] : probes) {
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
