// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "cli/gate_flags.h"

#include <fmt/format.h>

#include "cli/common.h"
#include "core/size.h"
#include "core/text.h"

namespace headroom {

void add_gate_flags(CLI::App* cmd, GateFlags& f, bool learned) {
  if (learned) {
    cmd->add_option("--free", f.free,
                    "Target: the pool's available memory must reach SIZE (70G = GiB, 70GB = 10^9 "
                    "bytes, 60% of the pool), or 'auto': the footprint headroom measured on this "
                    "server's last runs (its peak + 5%, at least 256 MiB), the default once one "
                    "is known; before that `headroom plan`'s figure for the command. A number "
                    "without a unit is refused")
        ->type_name("SIZE|auto")
        ->check(CLI::Validator(
            [sizes = size_validator(true)](std::string& v) -> std::string {
              if (v == "auto") return {};
              std::string why = sizes(v);
              return why.empty() ? why : why + " (or auto: the learned footprint)";
            },
            ""));
  } else {
    cmd->add_option("--free", f.free,
                    "Target: the pool's available memory must reach SIZE (70G = GiB, 70GB = 10^9 "
                    "bytes, 60% of the pool). No default: a number without a unit is refused")
        ->type_name("SIZE")
        ->check(size_validator(true));
  }
  cmd->add_option("--settle", f.settle,
                  fmt::format("All conditions must hold continuously this long; a dip restarts "
                              "the window (default {}: driver teardown returns memory in bursts)",
                              defaults::kSettle.text))
      ->type_name("DURATION")
      ->check(duration_validator());
  cmd->add_option(
         "--timeout", f.timeout,
         fmt::format("Give up waiting after this long (default {}, the usual wait script's; 0 or "
                     "infinity waits forever). Keep it below systemd's TimeoutStartSec",
                     defaults::kGateTimeout.text))
      ->type_name("DURATION")
      ->check(duration_validator());
  cmd->add_option("--interval", f.interval,
                  fmt::format("Sampling period on the monotonic clock (default {}: one sample "
                              "costs microseconds)",
                              defaults::kInterval.text))
      ->type_name("DURATION")
      ->check(duration_validator());
  cmd->add_option("--cgroup", f.cgroup,
                  "Memory cgroup that bounds the pool (default 'self': the cgroup headroom runs "
                  "in, which is the whole system when it has no limit)")
      ->type_name("SPEC");
  cmd->add_option("--max-pressure", f.max_pressure,
                  "Also require PSI memory 'some avg10' <= PCT (default: not checked)")
      ->type_name("PCT");
  cmd->add_option("--evict", f.evict,
                  "Evict these files or directories from the page cache first (posix_fadvise "
                  "DONTNEED; no root needed)")
      ->type_name("PATH")
      ->expected(1, -1);
  cmd->add_flag("--drop-caches", f.drop_caches,
                "As root, drop all page cache first: sync; echo 3 > /proc/sys/vm/drop_caches "
                "(NVIDIA's DGX Spark playbook command)");
  cmd->add_flag("--no-gpu", f.no_gpu, "Do not consult NVML for the previous instance's PIDs");
}

Result<GateSettings> gate_settings(const GateFlags& f, const std::string& seed_target,
                                   const std::string& seed_timeout) {
  GateSettings out;
  GateConfig& cfg = out.config;
  if (!seed_target.empty() && !f.free.empty()) {
    return make_error("give the target either as the first argument or with --free, not both");
  }
  if (!seed_target.empty()) {
    auto t = parse_size_spec(seed_target, BareNumber::kGibibytes);  // `headroom wait 70` = 70 GiB
    if (!t) return t.error();
    cfg.target = *t;
  } else if (!f.free.empty() && f.free != "auto") {  // auto: `run` resolves it by the name
    auto t = parse_size_spec(f.free, BareNumber::kReject);
    if (!t) return t.error().in("--free");
    cfg.target = *t;
  }
  auto settle = parse_duration(f.settle);
  if (!settle) return settle.error().in("--settle");
  if (*settle == kForever) return make_error("--settle: must be finite");
  cfg.settle = *settle;
  auto timeout = parse_duration(seed_timeout.empty() ? f.timeout : seed_timeout);
  if (!timeout) return timeout.error().in("--timeout");
  // As systemd's TimeoutStartSec=: 0 or "infinity" waits forever.
  cfg.timeout = timeout->count() == 0 ? kForever : *timeout;
  if (!f.max_pressure.empty()) {
    std::string_view p = f.max_pressure;
    if (p.back() == '%') p.remove_suffix(1);
    auto v = parse_decimal(p);
    if (!v || *v > 100.0) {
      return make_error(
          fmt::format("--max-pressure \"{}\": expected a percentage of stalled time, 0 to 100",
                      f.max_pressure));
    }
    cfg.max_pressure = *v;
  }
  auto interval = parse_duration(f.interval);
  if (!interval) return interval.error().in("--interval");
  if (*interval < std::chrono::milliseconds(10) || *interval > std::chrono::seconds(60)) {
    return make_error("--interval: must be between 10ms and 60s");
  }
  out.interval = *interval;
  return out;
}

}  // namespace headroom
