// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "cli/run_options.h"

#include <fmt/format.h>

#include <string>

#include "cli/common.h"

namespace headroom {

// Long on purpose: the table of `run`'s flags, one statement each with its help, which --help,
// the man page and the completions are made from; splitting it would only scatter the table.
void add_run_flags(CLI::App* cmd, RunOptions& o) {
  add_gate_flags(cmd, o.gate, true);
  cmd->add_option("--restart", o.restart,
                  "When to restart: no, on-failure (default: deaths, wedges, failed starts) or "
                  "always (clean exits too)")
      ->type_name("POLICY");
  cmd->add_option(
         "--burst", o.burst,
         fmt::format("Give up at this many failures within --within (default {}, the usual "
                     "wait-script unit's StartLimitBurst)",
                     defaults::kBurst))
      ->type_name("N");
  cmd->add_option("--within", o.within,
                  fmt::format("The start-limit window (default {}, the usual wait-script unit's "
                              "StartLimitIntervalSec=600)",
                              defaults::kWithin.text))
      ->type_name("DURATION")
      ->check(duration_validator());
  cmd->add_option("--restart-delay", o.restart_delay,
                  "A floor between a death and the next start (default 0: the memory gate "
                  "decides, not a fixed RestartSec)")
      ->type_name("DURATION")
      ->check(duration_validator());
  cmd->add_option("--stop-signal", o.stop_signal,
                  "Signal for a graceful stop, to the server's whole process group (default TERM)")
      ->type_name("SIGNAL");
  cmd->add_option("--stop-timeout", o.stop_timeout,
                  fmt::format("Then SIGKILL to every process of the server after this long "
                              "(default {})",
                              defaults::kStopTimeout.text))
      ->type_name("DURATION")
      ->check(duration_validator());
  cmd->add_option("--health", o.health,
                  "Readiness and liveness: GET URL, 200 = healthy (SGLang and vLLM refuse "
                  "connections while loading, llama-server answers 503). 'auto': the health URL "
                  "of the server the command runs (SGLang, vLLM, llama-server, Ollama, "
                  "trtllm-serve; its --host/--port, a container's published port). Without it, "
                  "started counts as ready")
      ->type_name("URL|auto");
  cmd->add_option("--startup-timeout", o.startup_timeout,
                  fmt::format("Not healthy this long after the start: restart it (default {}: "
                              "90 GB models load for minutes)",
                              defaults::kStartupTimeout.text))
      ->type_name("DURATION")
      ->check(duration_validator());
  cmd->add_option("--health-interval", o.health_interval,
                  fmt::format("Probe every DURATION once ready (default {}; every 250ms while "
                              "loading)",
                              defaults::kHealthInterval.text))
      ->type_name("DURATION")
      ->check(duration_validator());
  cmd->add_option(
         "--health-timeout", o.health_timeout,
         fmt::format("A probe that takes longer fails (default {})", defaults::kHealthTimeout.text))
      ->type_name("DURATION")
      ->check(duration_validator());
  cmd->add_option("--health-failures", o.health_failures,
                  fmt::format("This many failed probes in a row mean wedged: restart (default {})",
                              defaults::kHealthFailures))
      ->type_name("N");
  cmd->add_option("--evict-when", o.evict_when,
                  "When --evict gives the files' page cache back: 'start' (before every start: "
                  "SGLang and vLLM copy their weights, and vLLM's free-memory check on unified "
                  "memory counts cached pages as used) or 'ready' (once the server is healthy: "
                  "llama.cpp and Ollama may map their GGUF, so evicting before a start forces a "
                  "cold read, and after a full offload the pages can go). Default: by the "
                  "engine on the command line, else start")
      ->type_name("start|ready")
      ->check(CLI::IsMember({"start", "ready"}).description(""));
  cmd->add_option("--fit-deaths", o.fit_deaths,
                  "Give up when the server is OOM-killed this many times in a row while loading "
                  "(before --health first answers) with the same footprint, within 10 %: it does "
                  "not fit, and the same start fails the same way (default " +
                      std::to_string(defaults::kFitDeaths) + "; 0: only --burst counts)")
      ->type_name("N");
  cmd->add_option("--probe-post", o.probe_post,
                  "Also POST --probe-body to URL after each good --health (a one-token "
                  "generation: vLLM's /health answers 200 on a wedged engine). 'auto': the "
                  "engine's own (SGLang /generate, vLLM and trtllm-serve /v1/completions, "
                  "llama-server /completion, Ollama /api/generate)")
      ->type_name("URL|auto");
  cmd->add_option(
         "--probe-body", o.probe_body,
         "JSON for --probe-post (default: the engine's own one-token request for that "
         "path: SGLang {\"text\",\"sampling_params\"}, OpenAI {\"prompt\",\"max_tokens\"}, "
         "llama-server {\"prompt\",\"n_predict\"}; Ollama's names the model, so give it)")
      ->type_name("JSON");
  cmd->add_option("--metrics", o.metrics,
                  "Serve Prometheus metrics at ADDR:PORT/metrics (e.g. 127.0.0.1:9464; a bare port "
                  "listens on loopback), with /ready (200 once the server is healthy, else 503) "
                  "and /live for Kubernetes probes. Default: off")
      ->type_name("ADDR:PORT");
  cmd->add_option("--events", o.events,
                  "Append one JSON object per event to FILE (default "
                  "/var/lib/headroom/NAME.events.jsonl as root, else $XDG_STATE_HOME/headroom/); "
                  "`headroom why` reads it")
      ->type_name("FILE");
  cmd->add_flag("--no-lint", o.no_lint,
                "Do not warn about the command's landmines (`headroom lint`'s rules, checked once "
                "at start; they never stop the run)");
  cmd->add_option("--claim", o.claim,
                  "What the server will hold once loaded, e.g. 60G: other `headroom run`s on the "
                  "same pool count it as spoken for while it loads (default: the --free target)")
      ->type_name("SIZE");
  cmd->add_option("--priority", o.priority,
                  "Its place among starts queued on the same pool: higher starts first, equal "
                  "ones first come, first served (default 0)")
      ->type_name("N")
      ->check(CLI::Range(-1000, 1000).description(""));
  cmd->add_flag("--no-ledger", o.no_ledger,
                "Gate alone: do not take part in the pool's ledger (runtime_dir/pools/), where "
                "the `headroom run`s of one pool queue their starts and count each other's "
                "claims");
  cmd->add_option(
         "--guard-available", o.guard_available,
         "Host guard: stop the server (gracefully, then SIGKILL) when the pool's available "
         "memory stays below SIZE for --guard-for, say why, and restart it through the "
         "gate, counted against the start limit. Default on unified memory (NVML reports "
         "the GPU's memory as the system's, or a Jetson): 4G, or 5% of the pool where "
         "that is less; elsewhere off")
      ->type_name("SIZE")
      ->check(size_validator(true));
  cmd->add_option("--guard-pressure", o.guard_pressure,
                  "Host guard: also stop it when PSI memory 'full avg10' stays at or above PCT for "
                  "--guard-for (default: not checked)")
      ->type_name("PCT");
  cmd->add_option(
         "--guard-for", o.guard_for,
         fmt::format("How long the guard's condition must hold before it acts (default {})",
                     defaults::kGuardFor.text))
      ->type_name("DURATION")
      ->check(duration_validator());
  cmd->add_flag("--no-guard", o.no_guard, "No host guard, also where it is the default");
  cmd->add_option("--name", o.name,
                  "Name for events, `headroom why` and `headroom restart headroom:NAME` (default: "
                  "the container's name, else the command's). For a docker run line without "
                  "--name, also the container's name")
      ->type_name("NAME");
  cmd->add_option("--config", o.config,
                  "Read these options from a TOML file: each key a long option without its dashes "
                  "(free = \"70G\", no-lint = true), command = [\"docker\", \"run\", ...]; "
                  "options on the command line win. The template unit headroom@.service reads "
                  "/etc/headroom/NAME.toml")
      ->type_name("FILE");
  cmd->add_option("command", o.command, "The server's command line, after --")
      ->type_name("CMD ARGS...");
}

}  // namespace headroom
