// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "act/restart_targets.h"

#include <fmt/format.h>
#include <signal.h>

#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "act/command.h"
#include "act/event_log.h"
#include "core/text.h"
#include "probe/gone.h"

namespace headroom {

Result<TargetSpec> parse_target(const std::string& text) {
  TargetSpec t;
  auto take = [&](std::string_view prefix, TargetSpec::Kind kind) {
    if (text.rfind(prefix, 0) != 0) return false;
    t.kind = kind;
    t.name = text.substr(prefix.size());
    return true;
  };
  if (!take("docker:", TargetSpec::Kind::kDocker) && !take("unit:", TargetSpec::Kind::kUnit) &&
      !take("headroom:", TargetSpec::Kind::kHeadroom)) {
    t.kind = TargetSpec::Kind::kDocker;
    t.name = text;
  }
  if (t.name.empty()) {
    return make_error(fmt::format(
        "restart \"{}\": name what to restart: docker:NAME, unit:NAME.service or headroom:NAME",
        text));
  }
  if (t.kind == TargetSpec::Kind::kUnit && t.name.find('.') == std::string::npos) {
    t.name += ".service";
  }
  return t;
}

// ---- Docker ------------------------------------------------------------------------------------

Status DockerTarget::check() {
  auto f = docker_.inspect(name_);
  if (!f) return f.error();
  if (!f->exists) {
    return make_error(fmt::format("no container named {} (docker ps -a lists the names)", name_));
  }
  if (f->state.auto_remove) {
    return make_error(fmt::format(
        "container {} was started with `docker run --rm`: Docker removes it as soon as it stops, "
        "so it cannot be started again by name. Supervise it instead: `headroom run --name {} -- "
        "docker run ...` (then `headroom restart headroom:{}`), or a systemd unit around its "
        "docker run line (`headroom restart unit:NAME.service`)",
        name_, name_, name_));
  }
  return {};
}

Result<std::string> DockerTarget::stop(Duration timeout) {
  if (auto p = docker_.pids(name_); p) {
    for (int pid : *p)
      pids_.push_back(static_cast<uint32_t>(pid));
  }
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
  if (Status st = docker_.stop(name_, static_cast<int>(secs)); !st) return st.error();
  return fmt::format("stopped through the engine ({}s grace, then SIGKILL)", secs);
}

Result<Pending> DockerTarget::pending() {
  auto f = docker_.inspect(name_);
  if (!f) {
    // The engine restarting: keep waiting, bounded by the timeout.
    return Pending{1, f.error().message};
  }
  if (f->exists &&
      (f->state.running || f->state.status == "removing" || f->state.status == "restarting")) {
    return Pending{1, fmt::format("container {} is still {}", name_, f->state.status)};
  }
  if (gpu_ != nullptr && !pids_.empty()) return gpu_holders(*gpu_, pids_, scratch_);
  return Pending{};
}

Result<std::string> DockerTarget::start() {
  if (Status st = docker_.start(name_); !st) return st.error();
  return std::string("started through the engine");
}

Result<Health> DockerTarget::healthy() {
  auto f = docker_.inspect(name_);
  if (!f) return Health{false, f.error().message};
  if (!f->exists) return make_error(fmt::format("container {} is gone", name_));
  const ContainerState& s = f->state;
  if (!s.running && s.status != "created" && s.status != "restarting") {
    return make_error(
        fmt::format("container {} is {} (exit code {})", name_, s.status, s.exit_code));
  }
  if (s.health.empty()) {
    return Health{s.running,
                  "running (the image has no HEALTHCHECK; give --health URL to probe the server)"};
  }
  return Health{s.health == "healthy", "HEALTHCHECK " + s.health};
}

// ---- systemd -----------------------------------------------------------------------------------

Result<std::string> UnitTarget::property(const std::string& name) {
  auto r =
      run_command({"systemctl", "show", "-p", name, "--value", unit_}, std::chrono::seconds(30));
  if (!r) return r.error();
  if (r->exit_code != 0) {
    return make_error(fmt::format("systemctl show {}: {}", unit_, trim(r->err)));
  }
  return std::string(trim(r->out));
}

Status UnitTarget::check() {
  auto load = property("LoadState");
  if (!load) return load.error();
  if (*load != "loaded") {
    return make_error(fmt::format("no unit {} here (LoadState={})", unit_, *load));
  }
  return {};
}

Result<std::string> UnitTarget::stop(Duration) {
  if (auto cg = property("ControlGroup"); cg) control_group_ = *cg;
  auto r = run_command({"systemctl", "stop", unit_}, std::chrono::minutes(30));
  if (!r) return r.error();
  if (r->exit_code != 0) {
    return make_error(fmt::format("systemctl stop {} failed: {}", unit_, trim(r->err)));
  }
  return std::string("systemctl stop (the unit's TimeoutStopSec= applies)");
}

Result<Pending> UnitTarget::pending() {
  auto state = property("ActiveState");
  if (!state) return state.error();
  if (*state != "inactive" && *state != "failed") {
    return Pending{1, fmt::format("unit {} is {}", unit_, *state)};
  }
  // Processes that outlived the stop (KillMode=process, a detached worker) and their GPU PIDs.
  if (control_group_.empty()) return Pending{};
  GoneSpec spec;
  spec.kind = GoneSpec::Kind::kCgroup;
  spec.cgroup = control_group_;
  auto watch = ProcessGoneWatch::open(root_, {spec}, gpu_);
  if (!watch) return watch.error();
  return (*watch)->pending();
}

std::string UnitTarget::failure(const std::string& doing) {
  const std::string result = property("Result").value_or("");
  // A start refused for the start limit keeps the Result= of the failure before it (systemd sets
  // Result= only from "success"): the unit's main process then never ran after our start, and
  // the journal says "Start request repeated too quickly".
  bool limit = result == "start-limit-hit";
  if (!limit && start_usec_ != 0) {
    const auto ran = parse_u64(property("ExecMainStartTimestampMonotonic").value_or(""));
    if (ran && *ran < start_usec_) {
      auto j = run_command({"journalctl", "-q", "--no-pager", "-o", "cat", "-u", unit_, "--since",
                            fmt::format("@{}", start_unix_)},
                           std::chrono::seconds(30));
      limit = j && j->out.find("repeated too quickly") != std::string::npos;
    }
  }
  if (limit) {
    const std::string burst = property("StartLimitBurst").value_or("?");
    const std::string interval = property("StartLimitIntervalUSec").value_or("?");
    return fmt::format(
        "unit {} hit its start limit (StartLimitBurst={} within StartLimitIntervalSec={}): "
        "systemd refuses to start it until `systemctl reset-failed {}` (see `journalctl -u {}` "
        "for why it kept failing)",
        unit_, burst, interval, unit_, unit_);
  }
  const std::string status = property("ExecMainStatus").value_or("");
  return fmt::format("unit {} {} (Result={}{}): see `systemctl status {}` and `journalctl -u {}`",
                     unit_, doing, result.empty() ? "?" : result,
                     status.empty() || status == "0" ? "" : ", exit status " + status, unit_,
                     unit_);
}

Result<std::string> UnitTarget::start() {
  timespec mono{};
  ::clock_gettime(CLOCK_MONOTONIC, &mono);
  start_usec_ =
      static_cast<uint64_t>(mono.tv_sec) * 1000000u + static_cast<uint64_t>(mono.tv_nsec) / 1000u;
  start_unix_ = static_cast<int64_t>(::time(nullptr)) - 1;  // journalctl --since is in seconds
  auto r = run_command({"systemctl", "start", "--no-block", unit_}, std::chrono::seconds(60));
  if (!r) return r.error();
  if (r->exit_code != 0) {
    // "start of the service was attempted too often": the start limit, refused at once.
    if (property("Result").value_or("") == "start-limit-hit" ||
        r->err.find("too often") != std::string::npos) {
      return make_error(failure("could not be started"));
    }
    return make_error(fmt::format("systemctl start {} failed: {}", unit_, trim(r->err)));
  }
  return std::string("systemctl start --no-block");
}

Result<Health> UnitTarget::healthy() {
  auto state = property("ActiveState");
  if (!state) return state.error();
  if (*state == "failed") return make_error(failure("failed to start"));
  return Health{*state == "active", "ActiveState=" + *state};
}

// ---- a running headroom run --------------------------------------------------------------------

std::string HeadroomTarget::describe() const {
  return fmt::format("headroom run {} (pid {})", reg_.name, reg_.pid);
}

Result<std::string> HeadroomTarget::stop(Duration) {
  if (!reg_.events.empty()) {
    if (auto text = read_file(reg_.events, kMaxEventFileBytes); text) events_offset_ = text->size();
  }
  if (::kill(reg_.pid, SIGHUP) != 0) {
    return Error{fmt::format("signal pid {}: {}", reg_.pid, std::strerror(errno)), errno};
  }
  return std::string("sent SIGHUP: it stops the server, gates and starts it again");
}

Result<Health> HeadroomTarget::healthy() {
  if (reg_.events.empty()) {
    return make_error(
        fmt::format("headroom run {} keeps no event file: cannot tell when it is "
                    "ready again (give it --events)",
                    reg_.name));
  }
  auto text = read_file(reg_.events, kMaxEventFileBytes);
  if (!text) return text.error();
  const EventFile file =
      parse_events(std::string_view(*text).substr(std::min(events_offset_, text->size())));
  bool restarted = false;
  for (const EventRecord& r : file.events) {
    if (r.kind == RunEvent::Kind::kStarted) restarted = true;
    if (r.kind == RunEvent::Kind::kReady && restarted) {
      return Health{true, "it reports ready"};
    }
    if (r.kind == RunEvent::Kind::kGaveUp || r.kind == RunEvent::Kind::kExited) {
      return make_error(fmt::format("headroom run {} {}: {}", reg_.name,
                                    r.kind == RunEvent::Kind::kGaveUp ? "gave up" : "exited",
                                    r.verdict.empty() ? r.text : r.verdict));
    }
  }
  return Health{false, "waiting for its ready event"};
}

}  // namespace headroom
