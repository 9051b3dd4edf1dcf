// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// HR351-HR352: vLLM server flags on unified memory (FIELD.md section 2).
#include <fmt/format.h>

#include "lint/rules.h"

namespace headroom::lint {
namespace {

// vLLM's argument parser accepts --gpu_memory_utilization for --gpu-memory-utilization.
std::optional<ServerCall::Arg> varg(const ServerCall& s, std::string flag) {
  if (auto a = s.arg(flag)) return a;
  for (size_t i = 2; i < flag.size(); ++i) {
    if (flag[i] == '-') flag[i] = '_';
  }
  return s.arg(flag);
}

}  // namespace

void check_vllm(const Document& doc, const CheckOptions& opt, Sink& sink) {
  if (!opt.unified) return;
  for (const ServerCall& s : doc.servers) {
    if (s.engine != Engine::vllm) continue;
    const auto util = varg(s, "--gpu-memory-utilization");
    if (!util) {
      sink.add("HR351", Severity::warning, s.span, s.stmt_line,
               "vLLM on unified memory without --gpu-memory-utilization: the default (0.9, 0.92 "
               "in recent versions) claims nearly the whole shared pool and the start check "
               "fails, or the host runs out",
               "add --gpu-memory-utilization 0.75 (users of GB10 run 0.75-0.85)");
    } else {
      if (const auto v = util->number(); v && *v > 0.85) {
        sink.add("HR351", Severity::warning, util->span, s.stmt_line,
                 fmt::format("--gpu-memory-utilization {} on unified memory: vLLM asks for that "
                             "share of the whole pool, which the OS and page cache share",
                             util->value),
                 "use 0.85 or lower (0.75 leaves room for page cache)");
      }
    }
    const auto tune = varg(s, "--enable-flashinfer-autotune");
    if (tune && (!tune->has_value || (tune->value != "false" && tune->value != "False"))) {
      sink.add("HR352", Severity::warning, tune->span, s.stmt_line,
               "--enable-flashinfer-autotune on unified memory: autotune allocates outside the "
               "--gpu-memory-utilization budget, in bursts that drove host RAM to zero on GB10",
               "drop it (or pass --no-enable-flashinfer-autotune)");
    }
  }
}

}  // namespace headroom::lint
