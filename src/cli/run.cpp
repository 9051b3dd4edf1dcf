// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `headroom run [OPTIONS] -- CMD ARGS...`: supervise a server behind the memory gate.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <memory>

#include "act/docker.h"
#include "act/event_log.h"
#include "act/evict.h"
#include "act/footprint.h"
#include "act/pool_ledger.h"
#include "act/registry.h"
#include "act/run_host.h"
#include "cli/common.h"
#include "cli/console.h"
#include "cli/gate_flags.h"
#include "cli/plan.h"
#include "cli/run_options.h"
#include "core/admission.h"
#include "core/docker_cli.h"
#include "core/engines.h"
#include "core/guard.h"
#include "core/sample.h"
#include "core/signals.h"
#include "core/size.h"
#include "core/supervisor.h"
#include "core/text.h"
#include "headroom_version.h"
#include "lint/lint.h"
#include "lint/rules.h"

namespace headroom {
namespace {

struct Parsed {
  RunConfig config;
  RunHostOptions host;
  std::string added_name;          // Docker mode: the --name headroom added to the docker run line
  std::vector<std::string> notes;  // said once at the start (what the engine needs, ...)
};

// --health / --probe-post "auto": the URL of the server the command runs.
Result<std::string> auto_url(const std::optional<ServerSpec>& server, std::string_view flag,
                             bool probe) {
  if (!server) {
    return make_error(fmt::format(
        "{} auto: the command is none of the servers headroom knows (SGLang, vLLM, llama-server, "
        "Ollama, trtllm-serve, or a docker run of their images): give the URL",
        flag));
  }
  const EngineInfo& e = engine_info(server->id);
  if (server->probe_port == 0) {
    return make_error(fmt::format("{} auto: {} is not reachable from here: {}", flag, e.name,
                                  server->unreachable));
  }
  std::string host = server->probe_host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return fmt::format("http://{}:{}{}", host, server->probe_port,
                     probe ? e.probe_path : e.health_path);
}

// What the engine needs that the flags do not give: said, never imposed.
void engine_notes(const RunOptions& o, const std::optional<ServerSpec>& server, Parsed& p) {
  if (!server) return;
  const EngineInfo& e = engine_info(server->id);
  if (server->probe_port == 0) {
    p.notes.push_back(fmt::format("{}: {}", e.name, server->unreachable));
    return;
  }
  const std::string where = fmt::format("{}:{}", server->probe_host, server->probe_port);
  if (o.health.empty()) {
    p.notes.push_back(fmt::format(
        "the command runs {} on {}: without --health, started counts as ready and a wedge goes "
        "unseen; --health auto probes http://{}{} ({}){}",
        e.name, where, where, e.health_path, e.health_note,
        e.probe_path.empty() ? "" : ", and --probe-post auto a one-token generation"));
  } else if (o.probe_post.empty() && server->id == EngineId::kVllm) {
    p.notes.push_back(fmt::format(
        "vLLM's {} {}: add --probe-post auto (POST http://{}{}, one token) to catch a wedge",
        e.health_path, e.health_note, where, e.probe_path));
  }
}

// --guard-available, --guard-pressure, --guard-for (the default on unified memory is set once the
// host has looked at the GPU: run_run).
Result<GuardConfig> guard_config(const RunOptions& o) {
  GuardConfig g;
  if (o.no_guard && (!o.guard_available.empty() || !o.guard_pressure.empty())) {
    return make_error("--no-guard with --guard-available/--guard-pressure: give one or the other");
  }
  if (!o.guard_available.empty()) {
    auto v = parse_size_spec(o.guard_available, BareNumber::kReject);
    if (!v) return v.error().in("--guard-available");
    g.available = *v;
  }
  if (!o.guard_pressure.empty()) {
    std::string_view p = o.guard_pressure;
    if (p.back() == '%') p.remove_suffix(1);
    auto v = parse_decimal(p);
    if (!v || *v <= 0.0 || *v > 100.0) {
      return make_error(fmt::format(
          "--guard-pressure \"{}\": expected a percentage of stalled time, above 0 up to 100",
          o.guard_pressure));
    }
    g.pressure = *v;
  }
  auto hold = parse_duration(o.guard_for);
  if (!hold) return hold.error().in("--guard-for");
  if (*hold == kForever) return make_error("--guard-for: must be finite");
  g.hold = *hold;
  return g;
}

// --health and --probe-post: the URLs ("auto": the engine's own), and the generation request.
Status health_probes(const RunOptions& o, const std::optional<ServerSpec>& server, Parsed& p) {
  RunHostOptions& h = p.host;
  if (!o.health.empty()) {
    std::string url = o.health;
    if (url == "auto") {
      auto a = auto_url(server, "--health", false);
      if (!a) return a.error();
      url = *a;
      p.notes.push_back("--health auto: " + url);
    }
    auto u = parse_http_url(url);
    if (!u) return u.error().in("--health");
    h.health = *u;
    p.config.health = true;
  }
  if (!o.probe_post.empty()) {
    if (o.health.empty()) {
      return make_error("--probe-post needs --health too (readiness is --health answering 200)");
    }
    std::string url = o.probe_post;
    if (url == "auto") {
      auto a = auto_url(server, "--probe-post", true);
      if (!a) return a.error();
      url = *a;
    }
    auto u = parse_http_url(url);
    if (!u) return u.error().in("--probe-post");
    h.probe_post = *u;
    h.probe_body = o.probe_body;
    if (h.probe_body.empty()) {
      // The engine's own request, else the one the path belongs to.
      if (server && engine_info(server->id).probe_path == u->path) {
        const EngineInfo& e = engine_info(server->id);
        if (e.probe_needs_model && !server->model) {
          return make_error(fmt::format(
              "--probe-post {}: {}'s generation request names a model, which the command line "
              "does not: give --probe-body '{}' with your model",
              url, e.name, probe_body_for(e, "MODEL")));
        }
        h.probe_body = probe_body_for(e, server->model.value_or(""));
      } else if (auto b = probe_body_for_path(u->path)) {
        h.probe_body = *b;
      } else {
        return make_error(fmt::format(
            "--probe-post {}: which request does {} want? Give --probe-body JSON (SGLang "
            "/generate, OpenAI /v1/completions, llama-server /completion have defaults)",
            url, u->path));
      }
    }
    if (o.probe_post == "auto") {
      p.notes.push_back(fmt::format("--probe-post auto: POST {} {}", url, h.probe_body));
    }
  }
  return {};
}

// The supervisor's configuration from run's flags: the gate, the restart limits, the timeouts,
// the guard. Every error names its flag.
Result<RunConfig> supervisor_config(const RunOptions& o) {
  RunConfig c;
  auto gs = gate_settings(o.gate);
  if (!gs) return gs.error();
  c.gate = gs->config;
  c.interval = gs->interval;
  auto mode = parse_restart_mode(o.restart);
  if (!mode) return mode.error();
  c.restart.mode = *mode;
  if (o.burst < 1) return make_error("--burst: must be at least 1");
  c.restart.burst = o.burst;
  auto dur = [](const std::string& text, const char* flag, bool allow_zero) -> Result<Duration> {
    auto d = parse_duration(text);
    if (!d) return d.error().in(flag);
    if (*d == kForever || (!allow_zero && d->count() == 0)) {
      return make_error(fmt::format("{}: must be a finite, non-zero duration", flag));
    }
    return *d;
  };
  for (auto [text, flag, allow_zero, out] :
       {std::tuple{&o.within, "--within", false, &c.restart.within},
        std::tuple{&o.restart_delay, "--restart-delay", true, &c.restart.delay},
        std::tuple{&o.stop_timeout, "--stop-timeout", false, &c.stop_timeout},
        std::tuple{&o.startup_timeout, "--startup-timeout", false, &c.startup_timeout},
        std::tuple{&o.health_interval, "--health-interval", false, &c.health_interval}}) {
    auto d = dur(*text, flag, allow_zero);
    if (!d) return d.error();
    *out = *d;
  }
  auto sig = parse_signal(o.stop_signal);
  if (!sig) return sig.error().in("--stop-signal");
  c.stop_signal = *sig;
  c.startup_probe_interval = std::min(c.health_interval, Duration(std::chrono::milliseconds(250)));
  if (o.health_failures < 1) return make_error("--health-failures: must be at least 1");
  c.health_failures = o.health_failures;
  if (o.fit_deaths < 0) return make_error("--fit-deaths: 0 or more");
  c.fit_deaths = o.fit_deaths;
  auto guard = guard_config(o);
  if (!guard) return guard.error();
  c.guard = *guard;
  return c;
}

Result<Parsed> parse(const RunOptions& o, const Globals& g) {
  Parsed p;
  if (o.command.empty()) {
    return make_error("no command to run: headroom run [OPTIONS] -- CMD ARGS...");
  }
  auto config = supervisor_config(o);
  if (!config) return config.error();
  p.config = std::move(*config);
  auto ht = parse_duration(o.health_timeout);
  if (!ht) return ht.error().in("--health-timeout");
  if (*ht == kForever || ht->count() == 0) {
    return make_error("--health-timeout: must be a finite, non-zero duration");
  }

  RunHostOptions& h = p.host;
  h.argv = o.command;
  h.stop_timeout = p.config.stop_timeout;
  if (is_docker_run(o.command)) {
    auto run = supervised_docker_run(o.command, o.name);
    if (!run) return run.error();
    h.argv = std::move(run->argv);
    h.container = std::move(run->container);
    p.added_name = std::move(run->added_name);
  }
  h.root = g.fs_root();
  h.gate_target = p.config.gate.target;
  h.version = HEADROOM_VERSION;
  h.cgroup = o.gate.cgroup;
  h.evict = o.gate.evict;
  if (o.evict_when == "ready") {
    h.evict_when_ready = true;
  } else if (o.evict_when.empty() && !o.gate.evict.empty()) {
    if (const auto s = describe_server(o.command, own_environment());
        s && engine_info(s->id).weights == Weights::kMaybeMapped) {
      h.evict_when_ready = true;
      p.notes.push_back(fmt::format(
          "--evict: once {} is ready, not before each start ({} may map its weights: evicting "
          "before a start forces a cold read; --evict-when start to change)",
          engine_info(s->id).name, engine_info(s->id).name));
    }
  }
  h.drop_caches = o.gate.drop_caches;
  h.use_gpu = !o.gate.no_gpu;
  h.health_timeout = *ht;
  const std::optional<ServerSpec> server = describe_server(o.command, own_environment());
  engine_notes(o, server, p);
  if (Status st = health_probes(o, server, p); !st) return st.error();
  if (!o.metrics.empty()) {
    auto a = parse_listen_address(o.metrics);
    if (!a) return a.error().in("--metrics");
    h.metrics = *a;
  }
  return p;
}

// The pool's ledger: this server's seat among the `headroom run`s that gate on the same pool.
Result<std::unique_ptr<LedgerSeat>> take_seat(const RunOptions& o, const RunConfig& cfg,
                                              RunHost& host, const std::string& name) {
  Sample s;
  if (Status st = host.sample(s); !st) return st.error();
  const PoolView pool = pool_view(s);
  LedgerEntry me;
  me.name = name;
  me.pid = static_cast<int>(::getpid());
  me.start_ticks = process_start_ticks(me.pid);
  me.priority = o.priority;
  if (!o.claim.empty()) {
    auto c = parse_size_spec(o.claim, BareNumber::kReject);
    if (!c) return c.error().in("--claim");
    me.claim = c->resolve(pool.total);
  } else if (cfg.gate.target) {
    me.claim = cfg.gate.target->resolve(pool.total);
  }
  return LedgerSeat::open(pool_ledger_dir(pool_key(host.memory().cgroup(), s)), std::move(me));
}

PoolPhase pool_phase(Phase p) {
  switch (p) {
    case Phase::kWaiting:
      return PoolPhase::kWaiting;
    case Phase::kStarting:
      return PoolPhase::kLoading;
    case Phase::kServing:
      return PoolPhase::kServing;
    case Phase::kStopping:
    case Phase::kDone:
      return PoolPhase::kStopping;
  }
  return PoolPhase::kStopping;
}

// --free auto, or no --free where this server's footprint is known (same name, same command):
// the gate's target, and the ledger's claim, from the peak it held on its last runs.
Status learned_gate(const RunOptions& o, const Globals& g, const std::string& name,
                    const std::string& command, const std::optional<Footprint>& known, Parsed& p) {
  const bool asked = o.gate.free == "auto";
  if (!asked && p.config.gate.target) return {};  // --free SIZE given
  const bool same = known && known->command == command && known->peak > 0;
  if (known && !same && asked) {
    p.notes.push_back(fmt::format(
        "--free auto: the footprint of {} was measured for another command line ({}); not used",
        name, known->command));
  }
  if (!same) {
    if (!asked) return {};
    // The first start: `headroom plan`'s figure for this command line, where it can read the
    // model; measured from this start on.
    auto planned = plan_for_command(o.command, g, o.gate.cgroup);
    if (!planned) {
      return make_error(fmt::format(
          "--free auto: no footprint of {} is known yet ({}), and `headroom plan` cannot size "
          "this command ({}): give --free SIZE for its first start; headroom measures what the "
          "server holds and uses it from the next start on",
          name, footprint_path(name), planned.error().message));
    }
    p.config.gate.target = SizeSpec::of_bytes(planned->wait_free);
    p.host.gate_target = p.config.gate.target;
    p.notes.push_back(fmt::format(
        "--free auto: {} = `headroom plan`'s figure for this command ({}): no footprint of {} is "
        "known yet; it is measured from this start on",
        format_bytes(planned->wait_free), planned->read, name));
    return {};
  }
  const uint64_t target = learned_target(known->peak);
  p.config.gate.target = SizeSpec::of_bytes(target);
  p.host.gate_target = p.config.gate.target;
  p.notes.push_back(fmt::format(
      "--free {}: {} = the footprint learned for {} ({} peak, measured {} over {} ready run{}) "
      "+ margin ({})",
      asked ? "auto" : "auto (the default once a footprint is known; --free SIZE overrides)",
      format_bytes(target), name, format_bytes(known->peak), known->measured, known->runs,
      known->runs == 1 ? "" : "s", footprint_path(name)));
  return {};
}

// The landmines of the command itself (lint's engine): said once, never fatal.
void warn_landmines(const std::vector<std::string>& argv, Console& console) {
  lint::set_rule_doc_dir(find_rule_docs());
  const lint::FileReport report = lint::lint_argv(argv, lint::CheckOptions{}, {});
  for (const lint::Finding& f : report.findings) {
    if (f.severity == lint::Severity::info) continue;
    console.warn(fmt::format("{}{}: {} (fix: {}; see {}; --no-lint to silence)", f.code,
                             f.severity == lint::Severity::error ? " (error)" : "", f.message,
                             f.fix, lint::rule_doc(f.code)));
  }
}

// This server's seat in its pool's ledger, said on the console; null when the ledger cannot be
// used (warned: the run gates alone). An error only for a --claim the user got wrong.
Result<std::unique_ptr<LedgerSeat>> join_pool(const RunOptions& o, const RunConfig& cfg,
                                              RunHost& host, const std::string& name,
                                              Console& console) {
  auto taken = take_seat(o, cfg, host, name);
  if (!taken) {
    if (!o.claim.empty() && taken.error().message.starts_with("--claim")) return taken.error();
    console.warn(taken.error().message + "; this run gates alone (--no-ledger to say so)");
    return std::unique_ptr<LedgerSeat>();
  }
  std::unique_ptr<LedgerSeat> seat = std::move(*taken);
  host.set_pool_share(seat.get());
  host.set_claim(seat->entry().claim);
  console.note(fmt::format("headroom: pool ledger {}: claim {}{}", seat->dir(),
                           seat->entry().claim > 0 ? format_bytes(seat->entry().claim)
                                                   : std::string("unknown (no --free, no --claim)"),
                           o.priority != 0 ? fmt::format(", priority {}", o.priority) : ""));
  return seat;
}

// The host guard: on unified memory by default (an over-committed pool there ends in a hung host,
// not a clean OOM kill: core/guard.h), where the user said nothing; said either way.
void settle_guard(const RunOptions& o, RunHost& host, GuardConfig& guard,
                  const std::function<void(const std::string&)>& say) {
  if (!o.no_guard && !guard.enabled() && !host.unified_memory().empty()) {
    Sample s;
    if (host.sample(s)) {
      const Duration hold = guard.hold;
      guard = default_guard(pool_view(s).total);
      guard.hold = hold;
      say(
          fmt::format("host guard: stop the server when the pool stays below {} for {} (the "
                      "default on unified memory: {}; --guard-available SIZE, --no-guard)",
                      guard.available->str(), format_duration(guard.hold), host.unified_memory()));
    }
  } else if (guard.enabled()) {
    say(fmt::format(
        "host guard: stop the server when {}{}{} for {}",
        guard.available ? "the pool stays below " + guard.available->str() : "",
        guard.available && guard.pressure ? ", or " : "",
        guard.pressure ? fmt::format("PSI memory full avg10 stays at or above {}%", *guard.pressure)
                       : "",
        format_duration(guard.hold)));
  }
}

int run_run(const RunOptions& o, const Globals& g) {
  Console console;
  auto parsed = parse(o, g);
  if (!parsed) return console.fail(parsed.error().message);
  if (o.gate.drop_caches) {
    if (Status st = drop_caches_allowed(); !st) return console.fail(st.error().message);
  }
  const std::string name = !o.name.empty() ? o.name
                           : !parsed->host.container.empty()
                               ? parsed->host.container
                               : std::filesystem::path(o.command.front()).filename().string();
  std::string command;
  for (const std::string& a : parsed->host.argv)
    command += (command.empty() ? "" : " ") + a;

  auto known = load_footprint(name);
  if (!known) parsed->notes.push_back("footprint: " + known.error().message + "; not used");
  const std::optional<Footprint> footprint = known ? *known : std::nullopt;
  if (Status st = learned_gate(o, g, name, command, footprint, *parsed); !st) {
    return console.fail(st.error().message);
  }
  FootprintLearner learner(name, command, footprint);

  auto host = RunHost::open(parsed->host);
  if (!host) return console.fail(host.error().message);

  EventLog log;
  const std::string events_path = o.events.empty() ? default_event_path(name) : o.events;
  if (Status st = log.open(events_path); !st) {
    if (!o.events.empty()) return console.fail(st.error().message);
    console.warn(st.error().message + "; events are not recorded (give --events FILE)");
  }

  auto say = [&console](const std::string& text) { console.note("headroom: " + text); };
  for (const std::string& n : parsed->notes)
    say(n);
  if (!parsed->added_name.empty()) {
    say(
        fmt::format("added --name {} to the docker run line: the container needs a stable name to "
                    "be stopped, inspected and cleaned up by",
                    parsed->added_name));
  }
  if (!o.no_lint) warn_landmines(parsed->host.argv, console);
  // `headroom restart headroom:NAME` finds this supervisor here.
  Registration reg{static_cast<int>(::getpid()), name, log.is_open() ? log.path() : "",
                   parsed->host.container};
  if (Status st = register_run(reg); !st) return console.fail(st.error().message);
  struct Unregister {
    std::string name;
    ~Unregister() { unregister_run(name, static_cast<int>(::getpid())); }
  } unregister{name};
  const RunConfig& cfg = parsed->config;
  std::unique_ptr<LedgerSeat> seat;
  if (!o.no_ledger) {
    auto taken = join_pool(o, cfg, **host, name, console);
    if (!taken) return console.fail(taken.error().message);
    seat = std::move(*taken);
  }
  // The waiting lines reach the console as "waiting" events, once per change of what holds the
  // start back (not per number change).
  (*host)->on_phase = [&](Phase p, const std::string&) {
    if (!seat) return;
    if (Status st = seat->moved(pool_phase(p)); !st)
      console.warn("pool ledger: " + st.error().message);
    for (const std::string& n : seat->take_notes())
      say(n);
  };
  (*host)->on_event = [&](const RunEvent& e) {
    if (e.kind == RunEvent::Kind::kStarted) learner.started();
    if (e.kind == RunEvent::Kind::kReady) learner.ready();
    say(event_sentence(e, command));
    log.append(event_json(name, e, iso_now()));
  };
  bool footprint_warned = false;
  (*host)->on_held = [&](uint64_t bytes) {
    if (seat) {
      if (Status st = seat->holds(bytes); !st) console.warn("pool ledger: " + st.error().message);
    }
    if (Status st = learner.held(bytes); !st && !footprint_warned) {
      console.warn("footprint not recorded: " + st.error().message);
      footprint_warned = true;
    }
  };
  (*host)->on_note = say;
  if (const std::string& w = (*host)->tree_warning(); !w.empty()) console.warn(w);
  settle_guard(o, **host, parsed->config.guard, say);
  std::string gate_text = cfg.gate.target ? "memory >= " + cfg.gate.target->str()
                                          : std::string("the previous instance gone (no --free)");
  say(fmt::format(
      "supervising {}: pool {}; gate: {}, settle {}; restart {} (limit {} in {}); "
      "events {}{}",
      name, (*host)->memory().cgroup().name, gate_text, format_duration(cfg.gate.settle),
      to_string(cfg.restart.mode), cfg.restart.burst, format_duration(cfg.restart.within),
      log.is_open() ? log.path() : "off",
      parsed->host.metrics ? fmt::format("; metrics http://{}:{}/metrics",
                                         parsed->host.metrics->host, (*host)->metrics_port())
                           : ""));
  Supervisor supervisor(cfg, **host, o.command.front());
  return supervisor.run();
}

}  // namespace

// `headroom run --cleanup`: what an earlier run of the same options may have left behind once its
// supervisor is gone (SIGKILLed, the host crashed): the container of its docker run line, by the
// name run gives it. The template unit's ExecStopPost=. Refused while a live `headroom run` of
// that name holds it.
int run_cleanup(const RunOptions& o, const Globals& g) {
  Console console;
  auto parsed = parse(o, g);
  if (!parsed) return console.fail(parsed.error().message);
  const std::string& container = parsed->host.container;
  if (container.empty()) {
    console.note("headroom: --cleanup: the command is not a docker run line: nothing to remove");
    return 0;
  }
  const std::string name = o.name.empty() ? container : o.name;
  if (auto live = find_run(name)) {
    return console.fail(
        fmt::format(
            "--cleanup: headroom run {} is running (pid {}) and holds the container {}: stop it "
            "instead",
            name, live->pid, container),
        1);
  }
  auto docker = DockerClient::open();
  if (!docker) return console.fail(docker.error().message, 1);
  auto found = (*docker)->inspect(container);
  if (!found) return console.fail(found.error().message, 1);
  if (!found->exists) {
    console.note(fmt::format("headroom: --cleanup: no container {}: nothing to remove", container));
    return 0;
  }
  if (Status st = (*docker)->remove(container, /*force=*/true); !st) {
    return console.fail(st.error().message, 1);
  }
  console.note(fmt::format("headroom: --cleanup: removed the container {}", container));
  return 0;
}

Command add_run_command(CLI::App& parent, const Globals& globals) {
  auto o = std::make_shared<RunOptions>();
  auto cleanup = std::make_shared<bool>(false);
  CLI::App* cmd = parent.add_subcommand(
      "run",
      "Supervise a server: memory gate before every start, readiness and liveness probes, start "
      "limits, graceful stop, a verdict for every death, sd_notify, metrics, JSON events. Exits "
      "with the server's status when it gives up, 0 when it was stopped on request.");
  add_run_flags(cmd, *o);
  cmd->add_flag("--cleanup", *cleanup,
                "Do not run the server: remove the container an earlier run of these options "
                "left behind (its supervisor SIGKILLed, the host crashed), by the name run gives "
                "it; refused while that run is alive. The template unit's ExecStopPost=");
  return Command{cmd, [o, cleanup, &globals] {
                   o->command.insert(o->command.end(), globals.after_dashes.begin(),
                                     globals.after_dashes.end());
                   if (*cleanup) return run_cleanup(*o, globals);
                   return run_run(*o, globals);
                 }};
}

}  // namespace headroom
