// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// HR351-HR352: vLLM server flags on unified memory (FIELD.md section 2).
#include <fmt/format.h>

#include <algorithm>

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

// The share of the pool a server claims when its flag says so: vLLM's utilization, SGLang's
// static fraction (both of the whole memory on unified memory).
struct ShareArg {
  double share;
  std::string text;
  Span span;
};
// vLLM without the flag claims its default, 0.9 (FIELD.md section 2; 0.92 in recent versions:
// the lower figure, so a sum past the pool is past it either way). SGLang's default depends on
// the GPU's memory (docs/research/sglang-memory-defaults.md): not counted.
constexpr double kVllmDefaultShare = 0.9;
std::optional<ShareArg> claimed_share(const ServerCall& s) {
  const auto a = s.engine == Engine::vllm ? varg(s, "--gpu-memory-utilization")
                                          : s.arg("--mem-fraction-static");
  if (!a && s.engine == Engine::vllm) return ShareArg{kVllmDefaultShare, "0.9 (default)", s.span};
  if (!a) return std::nullopt;
  const auto v = a->number();
  if (!v) return std::nullopt;
  return ShareArg{*v, a->value, a->span};
}

// HR401: servers of one file that run together, their shares of the one pool adding up past it:
// the second to start fails its own start check (vLLM: "free memory on device … is less than
// desired") or takes what the first needs, and restart-loops. Together means what starts them all
// at once: the compose services without a profile (a profile is opt-in, often started one at a
// time), the containers of `docker run -d` lines. Servers in a script's if/else are alternatives.
void check_shares(const Document& doc, Sink& sink) {
  double sum = 0;
  std::string names;
  for (const Container& c : doc.containers) {
    if (c.variant || !c.server_index || !(c.compose ? c.profiles.empty() : c.detach.has_value())) {
      continue;
    }
    const ServerCall& s = doc.servers[*c.server_index];
    const auto share = claimed_share(s);
    if (!share) continue;
    sum += share->share;
    names += fmt::format("{}{} {}", names.empty() ? "" : " + ", engine_name(s.engine), share->text);
    if (sum > 1.0 + 1e-9) {
      sink.add("HR401", share->span, s.stmt_line,
               fmt::format("the servers this file starts together claim more than the whole pool "
                           "({} = {:.2f}): on one unified-memory machine the later one fails its "
                           "start check or starves the first, and restart-loops",
                           names, sum),
               "lower the fractions so that they add up to the pool less what the OS needs "
               "(`headroom plan` for each), or run them on different machines");
      return;
    }
  }
}

}  // namespace

void check_vllm(const Document& doc, const CheckOptions& opt, Sink& sink) {
  if (!opt.unified) return;
  check_shares(doc, sink);
  for (const ServerCall& s : doc.servers) {
    if (s.engine != Engine::vllm) continue;
    // HR354: a memory setting as an environment variable vLLM does not read (vllm/envs.py has
    // none; docs/research/engine-behaviour.md, "Memory env"): vLLM runs at its default.
    for (const auto& [name, var] : s.env) {
      if (!name.starts_with("VLLM_")) continue;
      if (name.find("MEMORY_UTILIZATION") == std::string::npos &&
          name.find("MEMORY_FRACTION") == std::string::npos &&
          name.find("MEM_FRACTION") == std::string::npos) {
        continue;
      }
      sink.add("HR354", var.span, var.span.begin.line,
               fmt::format("{}{}: vLLM reads no such variable (no VLLM_* variable sets its "
                           "memory share), so it runs at its default --gpu-memory-utilization "
                           "0.9 whatever this says",
                           name, var.value ? "=" + *var.value : ""),
               fmt::format("pass --gpu-memory-utilization{} to vllm serve",
                           var.value ? " " + *var.value : ""));
    }
    const auto util = varg(s, "--gpu-memory-utilization");
    if (!util) {
      sink.add("HR351", s.span, s.stmt_line,
               "vLLM on unified memory without --gpu-memory-utilization: the default (0.9, 0.92 "
               "in recent versions) claims nearly the whole shared pool and the start check "
               "fails, or the host runs out",
               "add --gpu-memory-utilization 0.75 (users of GB10 run 0.75-0.85)");
    } else {
      if (const auto v = util->number(); v && *v > 0.85) {
        sink.add("HR351", util->span, s.stmt_line,
                 fmt::format("--gpu-memory-utilization {} on unified memory: vLLM asks for that "
                             "share of the whole pool, which the OS and page cache share",
                             util->value),
                 "use 0.85 or lower (0.75 leaves room for page cache)");
      }
    }
    const auto tune = varg(s, "--enable-flashinfer-autotune");
    if (tune && (!tune->has_value || (tune->value != "false" && tune->value != "False"))) {
      sink.add("HR352", tune->span, s.stmt_line,
               "--enable-flashinfer-autotune on unified memory: autotune allocates outside the "
               "--gpu-memory-utilization budget, in bursts that drove host RAM to zero on GB10",
               "drop it (or pass --no-enable-flashinfer-autotune)");
    }
  }
}

}  // namespace headroom::lint
