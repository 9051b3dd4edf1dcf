// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// HR101-HR106: docker run lines and compose services (FIELD.md section 3), and the command lines
// of scripts that the shell ends early (HR106).
#include <fmt/format.h>

#include "lint/rules.h"

namespace headroom::lint {
namespace {

bool restarts(const std::optional<Setting>& restart) {
  return restart && !restart->value.empty() && restart->value != "no";
}

// A check that GETs the path /health (not /health_generate, /healthz): vLLM's says nothing of
// the engine.
bool probes_health(std::string_view test) {
  for (size_t at = test.find("/health"); at != std::string_view::npos;
       at = test.find("/health", at + 1)) {
    const size_t end = at + 7;
    if (end == test.size() ||
        std::string_view(" \"'?&|;)").find(test[end]) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

void check_docker(const Document& doc, const CheckOptions&, Sink& sink) {
  // HR106: bash(1) "Comments": a word beginning with # causes that word and all remaining
  // characters on that line to be ignored -- a `\` there is part of the comment and continues
  // nothing; YAML 1.2 8.1.3: folding does not apply to line breaks around more-indented lines.
  for (const CutLine& c : doc.cuts) {
    sink.add("HR106", c.span, c.span.begin.line,
             c.comment ? fmt::format("this comment ends the command: a `\\` inside a comment "
                                     "continues nothing, so the line below ({} …) runs as a "
                                     "command of its own and the command above goes without it",
                                     c.flag)
                       : fmt::format("this line begins with a flag ({}) but the line before ended "
                                     "the command (no `\\` at its end, or a YAML block that keeps "
                                     "the line breaks around more-indented lines): the shell runs "
                                     "it as a command of its own",
                                     c.flag),
             c.comment ? "put the comment on a line of its own above the command (or drop it)"
                       : "end the line before with `\\`; in a compose `>` block keep the flags at "
                         "the first line's indentation, or write the command as a list");
  }
  for (const Container& c : doc.containers) {
    if (c.rm && restarts(c.restart)) {
      sink.add("HR101", c.restart->span, c.stmt_line,
               fmt::format("--rm with --restart {}: docker refuses to start the container "
                           "(\"conflicting options: cannot specify both --restart and --rm\")",
                           c.restart->value),
               "drop --restart (let headroom run or systemd restart it), keep --rm");
    }
    for (const Word& w : c.misplaced) {
      sink.add("HR102", w.span, c.stmt_line,
               fmt::format("docker does not know {} and it stands before the image \"{}\": docker "
                           "rejects it (\"unknown flag: {}\") and it never reaches the server",
                           w.text, c.image, w.text.substr(0, w.text.find('='))),
               fmt::format("move {} (and its value) after the image name", w.text));
    }
    if (!c.engine) continue;
    if (restarts(c.restart)) {
      sink.add("HR103", c.restart->span, c.stmt_line,
               fmt::format("{} {} on an inference server ({}): Docker restarts it after 100 ms, "
                           "doubling to 1 min, with no memory gate; on unified memory the new "
                           "instance starts before the old one's memory is back, and restart "
                           "loops leak memory until the host wedges",
                           c.compose ? "restart:" : "--restart", c.restart->value,
                           engine_info(*c.engine).name),
               c.compose ? "set restart: \"no\" and supervise with `headroom run` (or a unit)"
                         : "drop --restart and supervise with `headroom run -- docker run …` "
                           "or a systemd unit with a memory gate");
    }
    // HR353: a container health check on vLLM's /health (engines.cpp: it answers 200 while the
    // engine is wedged, so Docker reports healthy and nothing restarts it).
    if (c.engine == EngineId::kVllm && c.healthcheck && probes_health(c.healthcheck->value)) {
      sink.add("HR353", c.healthcheck->span, c.stmt_line,
               "the health check GETs vLLM's /health, which answers 200 as long as the API "
               "process runs, also with the engine wedged (a hung CUDA call, a dead worker): the "
               "container stays \"healthy\" while every request hangs",
               "check a real generation (POST /v1/completions with max_tokens 1), or supervise "
               "with `headroom run --probe-post auto`");
    }
    // HR307: SGLang in a container with its port published but bound to loopback.
    if (c.engine == EngineId::kSglang && c.server_index && c.published && !c.network_host) {
      const ServerCall& s = doc.servers[*c.server_index];
      const auto host = s.arg("--host");
      const std::string h = host && host->has_value ? host->value : "127.0.0.1";
      if (h == "127.0.0.1" || h == "localhost" || h == "::1") {
        sink.add("HR307", host ? host->span : s.span, s.stmt_line,
                 fmt::format("SGLang listens on {}{} inside the container: the published port "
                             "forwards to the container's own address, where nothing listens, "
                             "so the server is never reachable (nor healthy) from outside",
                             h, host ? "" : " (its default)"),
                 "add --host 0.0.0.0");
      }
    }
    if (!c.server) continue;  // the rest: SGLang and vLLM
    const bool ipc_host = c.ipc && c.ipc->value == "host";
    if (!ipc_host && !c.shm_size) {
      sink.add(
          "HR104", c.span, c.stmt_line,
          "an SGLang/vLLM container with neither --ipc=host nor --shm-size: its shared "
          "memory is Docker's 64 MiB default, too small for the server's worker processes "
          "(NCCL and PyTorch fail or hang)",
          c.compose ? "add ipc: host (or shm_size: 16gb)" : "add --ipc=host (or --shm-size 16g)");
    }
    if (!c.compose && !c.name) {
      sink.add("HR105", c.span, c.stmt_line,
               "a server container without --name: there is no stable name to stop, restart or "
               "inspect it by (and `headroom restart` needs one)",
               "add --name NAME");
    }
  }
}

}  // namespace headroom::lint
