// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// HR301-HR306: SGLang server flags and environment (FIELD.md section 2).
#include <fmt/format.h>

#include <array>

#include "core/text.h"
#include "lint/rules.h"

namespace headroom::lint {
namespace {

std::optional<double> number(const std::optional<ServerCall::Arg>& a) {
  return a ? a->number() : std::nullopt;
}

// sglang's get_bool_env_var: "true" or "1", any case.
bool env_true(const std::string& v) {
  return iequals(v, "true") || v == "1";
}

// python/sglang/srt/server_args.py, v0.5.x (FIELD.md section 2).
constexpr auto kMoeRunners = std::to_array<std::string_view>(
    {"auto", "deep_gemm", "triton", "triton_kernel", "flashinfer_trtllm", "flashinfer_cutlass",
     "flashinfer_mxfp4", "flashinfer_cutedsl", "cutlass"});

void spec_v2(const ServerCall& s, Sink& sink) {
  const auto topk_arg = s.arg("--speculative-eagle-topk");
  const auto topk = number(topk_arg);
  if (!topk || *topk <= 1) return;
  auto it = s.env.find("SGLANG_ENABLE_SPEC_V2");
  if (it != s.env.end() && it->second.value && !env_true(*it->second.value)) return;  // v1 asked
  if (it != s.env.end() && it->second.value) {
    sink.add("HR301", topk_arg->span, s.stmt_line,
             fmt::format("--speculative-eagle-topk {} with SGLANG_ENABLE_SPEC_V2={}: SGLang "
                         "stops at start (\"Spec v2 currently only supports topk = 1 for "
                         "speculative decoding.\")",
                         topk_arg->value, *it->second.value),
             "use --speculative-eagle-topk 1, or unset SGLANG_ENABLE_SPEC_V2");
    return;
  }
  // A warning: whether spec v2 is on depends on the SGLang version (or on the caller), so the
  // start may fall back to v1 where the error case stops for certain.
  sink.add_at(Severity::warning, "HR301", topk_arg->span, s.stmt_line,
              fmt::format("--speculative-eagle-topk {} {}: newer SGLang versions enable spec v2 by "
                          "default, which supports only topk 1 (an error, or a silent fall-back "
                          "to v1)",
                          topk_arg->value,
                          it == s.env.end() ? "with SGLANG_ENABLE_SPEC_V2 unset"
                                            : "with SGLANG_ENABLE_SPEC_V2 taken from outside"),
              "use --speculative-eagle-topk 1, or set SGLANG_ENABLE_SPEC_V2=0 explicitly");
}

void check(const ServerCall& s, const CheckOptions& opt, Sink& sink) {
  spec_v2(s, sink);
  const auto mfs = s.arg("--mem-fraction-static");
  if (opt.unified) {
    if (auto v = number(mfs); v && *v > 0.80) {
      sink.add("HR302", mfs->span, s.stmt_line,
               fmt::format("--mem-fraction-static {} on unified memory: SGLang takes that share "
                           "of the one pool the OS, page cache and every other process also live "
                           "in; above 0.80 the host runs out (0.88 crashed during warm-up where "
                           "0.75 worked)",
                           mfs->value),
               "use 0.75 or lower (NVIDIA's DGX Spark playbook uses 0.75)");
    } else if (!mfs) {
      sink.add("HR306", s.span, s.stmt_line,
               "SGLang on unified memory without --mem-fraction-static: its default (about 0.89 "
               "on a GB10) leaves too little of the shared pool for the rest of the machine",
               "add --mem-fraction-static 0.75 (or what `headroom plan` computes)");
    }
    for (const char* flag :
         {"--attention-backend", "--prefill-attention-backend", "--decode-attention-backend"}) {
      const auto a = s.arg(flag);
      if (a && a->value == "flashinfer") {
        sink.add("HR303", a->span, s.stmt_line,
                 fmt::format("{} flashinfer on unified memory: FlashInfer's workspace (384-512 "
                             "MiB) and autotune bursts are allocated outside "
                             "--mem-fraction-static's budget",
                             flag),
                 "leave room for it in the OS reserve, or use --attention-backend triton");
      }
    }
    const auto moe = s.arg("--moe-runner-backend");
    if (moe && moe->value.rfind("flashinfer", 0) == 0 && !s.arg("--disable-flashinfer-autotune")) {
      sink.add("HR303", moe->span, s.stmt_line,
               fmt::format("--moe-runner-backend {} runs FlashInfer autotune at start; its bursts "
                           "drove host RAM to zero on GB10 (sglang#35860)",
                           moe->value),
               "add --disable-flashinfer-autotune, or keep a larger OS reserve");
    }
  }
  const auto topk = number(s.arg("--speculative-eagle-topk"));
  const auto steps = number(s.arg("--speculative-num-steps"));
  const auto draft_arg = s.arg("--speculative-num-draft-tokens");
  const auto draft = number(draft_arg);
  if (topk && *topk == 1 && steps && draft && *draft != *steps + 1) {
    sink.add("HR304", draft_arg->span, s.stmt_line,
             fmt::format("--speculative-num-draft-tokens {} with topk 1 and {} steps: SGLang "
                         "silently uses num-steps + 1 = {} instead",
                         draft_arg->value, *steps, *steps + 1),
             fmt::format("write --speculative-num-draft-tokens {}", *steps + 1));
  }
  if (const auto moe = s.arg("--moe-runner-backend"); moe && moe->has_value) {
    bool known = false;
    for (std::string_view k : kMoeRunners)
      known |= moe->value == k;
    const auto quant = s.arg("--quantization");
    if (!known) {
      sink.add("HR305", moe->span, s.stmt_line,
               fmt::format("--moe-runner-backend {} is not one SGLang knows (auto, deep_gemm, "
                           "triton, triton_kernel, flashinfer_trtllm, flashinfer_cutlass, "
                           "flashinfer_mxfp4, flashinfer_cutedsl, cutlass): it stops at start",
                           moe->value),
               "use one of the listed values, or leave it at auto");
    } else if (moe->value == "flashinfer_cutlass" && quant && quant->value != "modelopt_fp4" &&
               quant->value != "modelopt_fp8" && quant->value != "none") {
      sink.add("HR305", moe->span, s.stmt_line,
               fmt::format("--moe-runner-backend flashinfer_cutlass with --quantization {}: it "
                           "works only with modelopt_fp4, modelopt_fp8 or no quantization",
                           quant->value),
               "use --moe-runner-backend auto (or triton) for this quantization");
    }
  }
}

}  // namespace

void check_sglang(const Document& doc, const CheckOptions& opt, Sink& sink) {
  for (const ServerCall& s : doc.servers) {
    if (s.engine == Engine::sglang) check(s, opt, sink);
  }
}

}  // namespace headroom::lint
