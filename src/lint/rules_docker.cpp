// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// HR101-HR105: docker run lines and compose services (FIELD.md section 3).
#include <fmt/format.h>

#include "lint/rules.h"

namespace headroom::lint {
namespace {

bool restarts(const std::optional<Setting>& restart) {
  return restart && !restart->value.empty() && restart->value != "no";
}

}  // namespace

void check_docker(const Document& doc, const CheckOptions&, Sink& sink) {
  for (const Container& c : doc.containers) {
    if (c.rm && restarts(c.restart)) {
      sink.add("HR101", Severity::error, c.restart->span, c.stmt_line,
               fmt::format("--rm with --restart {}: docker refuses to start the container "
                           "(\"conflicting options: cannot specify both --restart and --rm\")",
                           c.restart->value),
               "drop --restart (let headroom run or systemd restart it), keep --rm");
    }
    for (const Word& w : c.misplaced) {
      sink.add("HR102", Severity::error, w.span, c.stmt_line,
               fmt::format("docker does not know {} and it stands before the image \"{}\": docker "
                           "rejects it (\"unknown flag: {}\") and it never reaches the server",
                           w.text, c.image, w.text.substr(0, w.text.find('='))),
               fmt::format("move {} (and its value) after the image name", w.text));
    }
    if (!c.engine) continue;
    if (restarts(c.restart)) {
      sink.add("HR103", Severity::warning, c.restart->span, c.stmt_line,
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
    if (!c.server) continue;  // the rest: SGLang and vLLM
    const bool ipc_host = c.ipc && c.ipc->value == "host";
    if (!ipc_host && !c.shm_size) {
      sink.add(
          "HR104", Severity::warning, c.span, c.stmt_line,
          "an SGLang/vLLM container with neither --ipc=host nor --shm-size: its shared "
          "memory is Docker's 64 MiB default, too small for the server's worker processes "
          "(NCCL and PyTorch fail or hang)",
          c.compose ? "add ipc: host (or shm_size: 16gb)" : "add --ipc=host (or --shm-size 16g)");
    }
    if (!c.compose && !c.name) {
      sink.add("HR105", Severity::info, c.span, c.stmt_line,
               "a server container without --name: there is no stable name to stop, restart or "
               "inspect it by (and `headroom restart` needs one)",
               "add --name NAME");
    }
  }
}

}  // namespace headroom::lint
