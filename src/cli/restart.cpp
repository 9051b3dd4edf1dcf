// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `headroom restart TARGET`: stop gracefully -> wait until gone -> memory gate -> start -> wait
// healthy, for a container, a systemd unit or a running `headroom run`. Concurrent restarts of
// the same target take turns (a lock file); --no-wait fails fast instead.
#include <fmt/format.h>

#include "act/docker.h"
#include "act/evict.h"
#include "act/http_probe.h"
#include "act/pool_ledger.h"
#include "act/registry.h"
#include "act/restart_targets.h"
#include "cli/common.h"
#include "cli/console.h"
#include "cli/gate_flags.h"
#include "core/defaults.h"
#include "core/restart_sequence.h"
#include "core/size.h"
#include "probe/clock.h"
#include "probe/nvml.h"

namespace headroom {
namespace {

struct RestartCliOptions {
  std::string target;
  GateFlags gate;
  std::string stop_timeout = defaults::kStopTimeout.text;
  std::string gone_timeout = defaults::kGoneTimeout.text;
  std::string health;
  std::string health_timeout = defaults::kStartupTimeout.text;
  bool no_wait = false;
  bool dry_run = false;
  bool json = false;
  bool no_ledger = false;
};

// restart's flags as the sequence's options: the gate, the three timeouts, the --health probe.
Result<RestartOptions> restart_options(const RestartCliOptions& o) {
  auto gs = gate_settings(o.gate);
  if (!gs) return gs.error();
  RestartOptions ro;
  ro.gate = gs->config;
  ro.interval = gs->interval;
  ro.dry_run = o.dry_run;
  for (auto [text, flag, out] :
       {std::tuple{&o.stop_timeout, "--stop-timeout", &ro.stop_timeout},
        std::tuple{&o.gone_timeout, "--gone-timeout", &ro.gone_timeout},
        std::tuple{&o.health_timeout, "--health-timeout", &ro.health_timeout}}) {
    auto d = parse_duration(*text);
    if (!d) return d.error().in(flag);
    *out = *d;
  }
  if (!o.health.empty()) {
    auto u = parse_http_url(o.health);
    if (!u) return u.error().in("--health");
    auto t = resolve_probe(*u, "GET", "");
    if (!t) return t.error();
    ro.probe = [p = *t] {
      std::string resp;
      const bool ok = probe_blocking(p, defaults::kHealthTimeout.value, &resp);
      return Health{ok,
                    ok ? "--health answered 200" : "--health: " + resp.substr(0, resp.find('\r'))};
    };
  }
  return ro;
}

// The target, and the Docker engine it is reached through (a container's).
struct OpenedTarget {
  std::unique_ptr<DockerApi> docker;
  std::unique_ptr<RestartTarget> target;
};

Result<OpenedTarget> open_target(const TargetSpec& spec, const Globals& g, Nvml* nvml) {
  OpenedTarget out;
  switch (spec.kind) {
    case TargetSpec::Kind::kDocker: {
      auto d = DockerClient::open();
      if (!d) return d.error();
      if (Status st = (*d)->ping(); !st) return st.error();
      out.docker = std::move(*d);
      out.target = std::make_unique<DockerTarget>(*out.docker, spec.name, nvml);
      break;
    }
    case TargetSpec::Kind::kUnit:
      out.target = std::make_unique<UnitTarget>(spec.name, g.fs_root(), nvml);
      break;
    case TargetSpec::Kind::kHeadroom: {
      auto reg = find_run(spec.name);
      if (!reg) return reg.error();
      out.target = std::make_unique<HeadroomTarget>(*reg);
      break;
    }
  }
  return out;
}

int run_restart_cli(const RestartCliOptions& o, const Globals& g) {
  Console console;
  auto spec = parse_target(o.target);
  if (!spec) return console.fail(spec.error().message);
  auto options = restart_options(o);
  if (!options) return console.fail(options.error().message);
  RestartOptions& ro = *options;
  if (o.gate.drop_caches) {
    if (Status st = drop_caches_allowed(); !st) return console.fail(st.error().message);
  }

  std::unique_ptr<Nvml> nvml;
  if (!o.gate.no_gpu) {
    nvml = std::make_unique<Nvml>();
    if (!nvml->loaded()) nvml.reset();
  }
  auto opened = open_target(*spec, g, nvml.get());
  if (!opened) return console.fail(opened.error().message);
  const std::unique_ptr<RestartTarget>& target = opened->target;

  if (o.dry_run) {
    console.line(fmt::format("would restart {}:", target->describe()));
    for (const std::string& step : restart_plan(*target, ro))
      console.line("  " + step);
    return 0;
  }

  auto src = SystemMemorySource::open(g.fs_root(), o.gate.cgroup);
  if (!src) return console.fail(src.error().message);
  const char* kinds[] = {"docker", "unit", "headroom"};
  auto lock = RestartLock::take(std::string(kinds[static_cast<int>(spec->kind)]) + "-" + spec->name,
                                !o.no_wait);
  if (!lock) return console.fail(lock.error().message, o.no_wait ? 1 : 2);

  // Page cache of the model files goes back after the stop, before the gate (as in `run`).
  const Root root = g.fs_root();
  if (o.gate.drop_caches || !o.gate.evict.empty()) {
    ro.before_gate = [&] {
      // As `run` does: a failure is said, and the restart goes on (the gate still decides).
      if (o.gate.drop_caches) {
        if (Status st = drop_caches(root); !st)
          console.warn("--drop-caches: " + st.error().message);
      }
      if (!o.gate.evict.empty()) {
        if (auto ev = evict_files(o.gate.evict); !ev) {
          console.warn("--evict: " + ev.error().message);
        }
      }
    };
  }
  // The pool's ledger: what `headroom run`s still loading on this pool will take is not free.
  std::unique_ptr<LedgerReader> ledger;
  if (Sample first; !o.no_ledger && ro.gate.target && (*src)->read(first)) {
    ledger = std::make_unique<LedgerReader>(pool_ledger_dir(pool_key((*src)->cgroup(), first)),
                                            spec->name);
    ro.pool = ledger.get();
  }

  if (!o.json) console.line(fmt::format("restarting {}", target->describe()));
  SteadyClock clock;
  const Instant began = clock.now();
  nlohmann::ordered_json steps = nlohmann::ordered_json::array();
  const RestartReport report = run_restart(*target, **src, clock, ro, [&](const RestartStep& s) {
    steps.push_back(
        {{"step", s.name}, {"seconds", to_seconds(s.took)}, {"ok", s.ok}, {"detail", s.detail}});
    if (!o.json) {
      console.line(fmt::format("  {:<8} {:>7}  {}{}", s.name, format_duration(s.took),
                               s.ok ? "" : "FAILED: ", s.detail));
    }
  });
  const Duration took = clock.now() - began;
  if (o.json) {
    nlohmann::ordered_json j;
    j["version"] = kJsonVersion;
    j["target"] = target->describe();
    j["ok"] = report.ok;
    j["seconds"] = to_seconds(took);
    j["steps"] = steps;
    console.line(j.dump());
  } else if (report.ok) {
    console.line(fmt::format("restarted {} in {}", target->describe(), format_duration(took)));
  } else {
    console.line(
        fmt::format("restart of {} failed after {}", target->describe(), format_duration(took)));
  }
  return report.exit_code;
}

}  // namespace

Command add_restart_command(CLI::App& parent, const Globals& globals) {
  auto o = std::make_shared<RestartCliOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "restart",
      "The only reliable restart: stop gracefully, wait until it is gone (processes, GPU), wait "
      "for memory, start, wait healthy; each step timed. TARGET is docker:NAME (or a container "
      "name), unit:NAME.service, or headroom:NAME (a running `headroom run --name NAME`). Exit 0 "
      "restarted, 1 a step timed out, 2 bad input or a refusal.");
  cmd->add_option("target", o->target, "docker:NAME | unit:NAME.service | headroom:NAME")
      ->required()
      ->type_name("TARGET");
  add_gate_flags(cmd, o->gate);
  cmd->add_option("--stop-timeout", o->stop_timeout,
                  fmt::format("Grace period of the stop before SIGKILL (default {}; a unit's own "
                              "TimeoutStopSec= applies to units)",
                              defaults::kStopTimeout.text))
      ->type_name("DURATION")
      ->check(duration_validator());
  cmd->add_option("--gone-timeout", o->gone_timeout,
                  fmt::format("How long it may take to be gone after the stop (default {})",
                              defaults::kGoneTimeout.text))
      ->type_name("DURATION")
      ->check(duration_validator());
  cmd->add_option("--health", o->health,
                  "Healthy means GET URL answers 200 (default: the container's HEALTHCHECK, else "
                  "running; a unit's ActiveState=active; headroom's own ready event)")
      ->type_name("URL");
  cmd->add_option("--health-timeout", o->health_timeout,
                  fmt::format("How long the start may take to become healthy (default {}: big "
                              "models load for minutes)",
                              defaults::kStartupTimeout.text))
      ->type_name("DURATION")
      ->check(duration_validator());
  cmd->add_flag("--no-wait", o->no_wait,
                "If another restart of the same target is running, fail at once (exit 1) instead "
                "of waiting for it");
  cmd->add_flag("--dry-run", o->dry_run, "Print the steps and do nothing");
  cmd->add_flag("--json", o->json, "One JSON object with every step and its duration");
  cmd->add_flag("--no-ledger", o->no_ledger,
                "Do not read the pool's ledger (runtime_dir/pools/): by default what `headroom "
                "run`s still loading on this pool have claimed is not counted as free");
  return Command{cmd, [o, &globals] { return run_restart_cli(*o, globals); }};
}

}  // namespace headroom
