// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "plan/planner.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/size.h"

namespace headroom::plan {
namespace {

// Estimates outside the engines' budgets, each stated where it is used.
constexpr uint64_t kCudaContext = 512 * kMiB;   // CUDA context + cuBLAS workspaces, per process
constexpr uint64_t kActivations = 2 * kGiB;     // activations and CUDA graphs at default batch
constexpr uint64_t kLlamaCompute = 512 * kMiB;  // llama.cpp's compute buffers, vocabulary unknown
// vLLM: "non_torch_memory=0.35GiB" in both RTX 3090 logs of tests/fixtures/plan/real; its CUDA
// graphs at the default 51 capture sizes, an estimate (not measured here).
constexpr uint64_t kVllmNonTorch = 358 * kMiB;
constexpr uint64_t kVllmGraphs = 1 * kGiB;
// SGLang: what loading allocates beyond the checkpoint (RoPE caches, workspaces), taken from the
// KV pool; 60-210 MiB per rank in the real startup logs of tests/fixtures/plan/real/, the middle
// taken.
constexpr uint64_t kSglangLoading = 128 * kMiB;

bool is_qwen(const Architecture& a) {
  return a.model_type.rfind("qwen2", 0) == 0 || a.model_type.rfind("qwen3", 0) == 0;
}

double round_down(double v, double step) {
  const double n = std::floor(v / step + 1e-9);
  // 83 / 100 is the double nearest 0.83; 83 * 0.01 is not (0.8300000000000001 in the JSON).
  return step < 1 ? n / std::round(1 / step) : n * step;
}

uint64_t round_up_gib(uint64_t b) {
  return (b + kGiB - 1) / kGiB * kGiB;
}

uint64_t pad(uint64_t v, uint64_t step) {
  return (v + step - 1) / step * step;
}

uint64_t ceil_div(uint64_t a, uint64_t b) {
  return b == 0 ? 0 : (a + b - 1) / b;
}

// vLLM's hybrid allocator (v1/core/kv_cache_utils.py, checked against the logs in
// tests/fixtures/plan/real/vllm-*-qwen3.6-* and -nemotron-*): state and attention pages made
// equal, layers grouped by the attention layers' count (with MTP speculative decoding the MTP
// layers' attention joins them).
VllmHybrid vllm_hybrid(const Architecture& a, double kv_bytes, uint64_t tp, uint64_t spec,
                       uint64_t context) {
  VllmHybrid h;
  const uint64_t attention = a.attention_layers + (spec > 0 ? a.mtp_layers : 0);
  const uint64_t heads = std::max<uint64_t>(1, a.kv_heads / tp);
  const auto attn_token = static_cast<uint64_t>(
      std::llround(static_cast<double>(heads * (a.head_dim + a.v_head_dim)) * kv_bytes));
  const uint64_t state_page =
      a.state_conv_channels / tp * (a.state_conv_kernel - 1 + spec) * a.dtype_bytes +
      a.state_ssm_bytes / tp;
  if (attn_token == 0) return h;
  h.block = 16 * ceil_div(state_page, 16 * attn_token);
  h.page = h.block * attn_token;
  h.group_size = std::min(attention, a.state_layers);
  h.groups = ceil_div(attention, h.group_size) + ceil_div(a.state_layers, h.group_size);
  h.context = context;
  h.per_request = ceil_div(context, h.block) * ceil_div(attention, h.group_size) +
                  ceil_div(a.state_layers, h.group_size);
  return h;
}

// The activations of one forward of `tokens` tokens, estimated as the live tensors per token at
// the MLP: its input, the residual and the layer's output (3 x hidden), gate/up and the
// activation (3 x intermediate, per rank; a MoE's active experts: the fused-MoE kernels' two
// intermediate caches, M x top_k x 2I and M x top_k x I), in the model dtype. 0 when config.json
// gives no MLP width. With 2 x hidden two vLLM logs left 8 KiB per token unexplained (Llama-3.1-8B:
// one hidden-sized tensor); with 3 it is within 0.5 % of both (vllm_profile). SGLang's prefill
// chunk is the same forward.
uint64_t mlp_activation_bytes(const Architecture& a, uint64_t tokens, uint64_t tp) {
  const uint64_t width = a.experts > 0
                             ? a.moe_intermediate * std::max<uint64_t>(1, a.experts_per_token)
                             : a.intermediate;
  if (a.hidden == 0 || width == 0) return 0;
  return tokens * (3 * a.hidden + 3 * width / std::max<uint64_t>(1, tp)) * a.dtype_bytes;
}

}  // namespace

std::optional<Engine> parse_engine(std::string_view s) {
  if (s == "sglang") return Engine::sglang;
  if (s == "vllm") return Engine::vllm;
  if (s == "llamacpp" || s == "llama.cpp") return Engine::llamacpp;
  if (s == "ollama") return Engine::ollama;
  return std::nullopt;
}

std::string_view engine_name(Engine e) {
  switch (e) {
    case Engine::sglang:
      return "sglang";
    case Engine::vllm:
      return "vllm";
    case Engine::llamacpp:
      return "llamacpp";
    case Engine::ollama:
      return "ollama";
  }
  return "sglang";
}

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::fits:
      return "fits";
    case Verdict::tight:
      return "fits, too little headroom";
    case Verdict::no_fit:
      return "does not fit";
  }
  return "fits";
}

Result<double> kv_dtype_bytes(std::string_view d, const Architecture& a, Engine e) {
  if (d == "auto" || d.empty())
    return e == Engine::llamacpp ? 2.0 : static_cast<double>(a.dtype_bytes);
  if (d == "fp8" || d == "fp8_e4m3" || d == "fp8_e5m2" || d == "fp8_e4m3fn") return 1.0;
  if (d == "bf16" || d == "bfloat16" || d == "fp16" || d == "float16" || d == "f16") return 2.0;
  if (d == "fp32" || d == "float32" || d == "f32") return 4.0;
  // llama.cpp's quantized caches: blocks of 32 values.
  if (d == "q8_0") return 34.0 / 32;
  if (d == "q4_0") return 18.0 / 32;
  if (d == "q4_1") return 20.0 / 32;
  if (d == "q5_0") return 22.0 / 32;
  if (d == "q5_1") return 24.0 / 32;
  return make_error(
      fmt::format("--kv-cache-dtype {}: not one of auto, fp8_e4m3, fp8_e5m2, bf16, "
                  "fp16, fp32, q8_0, q4_0, q4_1, q5_0, q5_1",
                  d));
}

uint64_t kv_bytes_per_token(const Architecture& a, Engine e, double b, uint64_t tp,
                            uint64_t draft_layers) {
  double per_layer = 0;
  if (a.mla) {
    per_layer = static_cast<double>(a.kv_lora_rank + a.qk_rope_head_dim) * b;
  } else {
    const uint64_t heads = std::max<uint64_t>(1, a.kv_heads / std::max<uint64_t>(1, tp));
    per_layer = static_cast<double>(heads * (a.head_dim + a.v_head_dim)) * b;
  }
  // Only attention layers keep KV per token (a hybrid's linear/Mamba layers keep a state).
  double layers = static_cast<double>(a.attention_layers > 0 ? a.attention_layers : a.layers);
  if (e == Engine::sglang && draft_layers > 0) layers += static_cast<double>(draft_layers);
  return static_cast<uint64_t>(std::llround(per_layer * layers));
}

SglangDefaults sglang_defaults(uint64_t total, uint64_t tp, bool eagle, uint64_t chunked,
                               uint64_t graph_bs) {
  // server_args.py _handle_gpu_memory_settings, v0.5.3 to v0.5.6 (docs/research/
  // sglang-memory-defaults.md): gpu_mem is the GPU's total in MiB; chunked prefill and the CUDA
  // graphs' largest batch by band, each only where not given.
  const double mib = static_cast<double>(total) / kMiB;
  struct Band {
    double below_gib;
    uint64_t chunked, bs_small_tp, bs_large_tp;
  };
  static constexpr Band kBands[] = {{20, 2048, 8, 8},      {35, 2048, 24, 80},
                                    {60, 4096, 32, 160},   {90, 8192, 256, 512},
                                    {160, 8192, 256, 512}, {1e30, 16384, 512, 512}};
  SglangDefaults d;
  for (const Band& b : kBands) {
    if (mib < b.below_gib * 1024) {
      d.chunked_prefill_size = b.chunked;
      d.cuda_graph_max_bs = tp < 4 ? b.bs_small_tp : b.bs_large_tp;
      break;
    }
  }
  if (chunked > 0) d.chunked_prefill_size = chunked;
  if (graph_bs > 0) d.cuda_graph_max_bs = graph_bs;
  // reserved = 512 + max(chunked, 2048) x 1.5 + max_bs x 2 + tp x pp / 8 x 1024 MiB, at least
  // 10 GiB above 60 GiB; + 2 GiB for EAGLE (4 GiB on 2026 main).
  double reserved =
      512 + static_cast<double>(std::max<uint64_t>(d.chunked_prefill_size, 2048)) * 1.5 +
      static_cast<double>(d.cuda_graph_max_bs) * 2 + static_cast<double>(tp) / 8 * 1024;
  if (mib > 60 * 1024) reserved = std::max(reserved, 10.0 * 1024);
  if (eagle) reserved += 2 * 1024;
  d.reserved_mib = reserved;
  d.fraction =
      mib > 0 ? std::clamp(std::round((mib - reserved) / mib * 1000) / 1000, 0.0, 1.0) : 0.88;
  return d;
}

double sglang_default_fraction(uint64_t total, uint64_t tp, bool eagle) {
  return sglang_defaults(total, tp, eagle, 0, 0).fraction;
}

// vLLM's profile run (v1/worker/gpu_model_runner.py profile_run; docs/research/vllm-profile.md,
// docs/research/vllm-moe-profile.md): one eager forward of max_num_batched_tokens tokens, then
// the dummy sampler on R = min(tokens, max_num_seqs) rows of logits while the batch's hidden
// states are still held; torch's allocated peak is the larger of the two. Defaults for
// `vllm serve` (engine/arg_utils.py _set_default_args): 8192 tokens and 1024 sequences on a GPU
// of 70 GiB or more (not an A100), else 2048 and 256.
// The sampler samples with top-k and top-p on: before 0.17 (and in pip installs without
// FlashInfer) by torch.sort of the float32 logits, which peaks at 38 bytes per logit for R >= 128
// (the logits in the model dtype 2 and float32 4, sorted values 4 and indices 8, torch's reverse
// index 8, CUB's spare keys 4 and values 8; 50 below 128 rows, 30 for one): gpt-oss-120b's
// 201,088-token vocabulary at 1024 rows is 7.29 GiB, which is what its profile took on an H100
// (7.45 GiB, vllm-project/vllm#23278; the MoE buffers are 0.5 GiB). From 0.17 a Triton top-k/top-p
// kernel, later FlashInfer: about 14 bytes per logit (an estimate, not measured here).
VllmProfile vllm_profile(const Architecture& a, const PlanInput& in) {
  VllmProfile v;
  const bool big = in.pool_total >= 70 * kGiB;
  v.batched_tokens =
      in.max_num_batched_tokens > 0 ? in.max_num_batched_tokens : (big ? 8192 : 2048);
  v.seqs = std::min(v.batched_tokens, in.max_num_seqs > 0 ? in.max_num_seqs : (big ? 1024u : 256u));
  v.moe = a.experts > 0;
  v.forward = mlp_activation_bytes(a, v.batched_tokens, in.tp);
  v.torch_sort = in.engine_version && *in.engine_version < std::pair<unsigned, unsigned>{0, 17};
  v.sampler_per_logit = !v.torch_sort ? 14 : v.seqs >= 128 ? 38 : v.seqs > 1 ? 50 : 30;
  v.sampler = static_cast<uint64_t>(v.sampler_per_logit * static_cast<double>(v.seqs * a.vocab)) +
              (v.batched_tokens + v.seqs) * a.hidden * a.dtype_bytes;
  return v;
}

SglangPools sglang_pools(const Architecture& a, const PlanInput& in, double kvb,
                         uint64_t draft_layers, uint64_t rest) {
  constexpr double kMambaFullMemoryRatio = 0.9;  // ServerArgs.mamba_full_memory_ratio
  constexpr double kSwaFullTokensRatio = 0.8;    // ServerArgs.swa_full_tokens_ratio
  const uint64_t tp = std::max<uint64_t>(1, in.tp);
  const uint64_t page = in.page_size > 0 ? in.page_size : 1;
  SglangPools s;
  const uint64_t all = kv_bytes_per_token(a, Engine::sglang, kvb, tp, draft_layers);
  const uint64_t attention = a.attention_layers > 0 ? a.attention_layers : a.layers;
  const uint64_t sliding =
      draft_layers == 0 && a.sliding_window > 0 ? std::min(attention, a.sliding_layers) : 0;
  double budget = static_cast<double>(rest);
  if (a.state_layers > 0) {
    // mamba_utils.py: conv state in bf16, the SSM state as --mamba-ssm-dtype (float32).
    s.state_per_request =
        a.state_layers *
        (a.state_conv_channels / tp * (a.state_conv_kernel > 0 ? a.state_conv_kernel - 1 : 0) * 2 +
         a.state_ssm_bytes / tp);
    if (s.state_per_request > 0) {
      s.state_slots =
          static_cast<uint64_t>(budget * kMambaFullMemoryRatio / (1 + kMambaFullMemoryRatio) /
                                static_cast<double>(s.state_per_request));
      s.state_bytes = (s.state_slots + 1) * s.state_per_request;
      budget -= static_cast<double>(s.state_slots * s.state_per_request);
    }
  }
  const double per_layer =
      attention > 0 ? static_cast<double>(all) / static_cast<double>(attention + draft_layers) : 0;
  const auto full = static_cast<double>(attention + draft_layers - sliding);
  s.cell = static_cast<uint64_t>(
      std::llround(per_layer * (full > 0 ? full + kSwaFullTokensRatio * static_cast<double>(sliding)
                                         : static_cast<double>(sliding))));
  if (s.cell == 0 || budget <= 0) return s;
  const auto tokens = static_cast<uint64_t>(budget / static_cast<double>(s.cell));
  if (sliding > 0 && full > 0) {
    s.kv_tokens = tokens / page * page;
    s.swa_tokens =
        static_cast<uint64_t>(static_cast<double>(s.kv_tokens) * kSwaFullTokensRatio) / page * page;
  } else if (sliding > 0) {  // every layer slides: one pool, the sliding one
    s.swa_tokens = s.kv_tokens = tokens / page * page;
  } else {
    s.kv_tokens = tokens / page * page;
  }
  return s;
}

VllmHybrid vllm_hybrid_layout(const Architecture& a, const PlanInput& in, uint64_t context) {
  const auto kvb = kv_dtype_bytes(in.kv_cache_dtype, a, in.engine);
  return vllm_hybrid(a, kvb ? *kvb : 2.0, std::max<uint64_t>(1, in.tp), in.spec_tokens, context);
}

uint64_t kv_tokens_for_budget(const Architecture& a, const PlanInput& in, uint64_t context,
                              uint64_t budget) {
  const auto kvb = kv_dtype_bytes(in.kv_cache_dtype, a, in.engine);
  if (!kvb) return 0;
  const uint64_t tp = std::max<uint64_t>(1, in.tp);
  if (in.engine == Engine::vllm && a.state_layers > 0) {
    return vllm_hybrid(a, *kvb, tp, in.spec_tokens, context).tokens(budget);
  }
  const uint64_t per_token = kv_bytes_per_token(a, in.engine, *kvb, tp, 0);
  if (per_token == 0) return 0;
  const uint64_t page = in.page_size > 0 ? in.page_size : (in.engine == Engine::vllm ? 16 : 1);
  return budget / per_token / page * page;
}

uint64_t llamacpp_kv_bytes(const Architecture& a, const PlanInput& in, uint64_t context,
                           double kv_bytes) {
  const uint64_t attention = a.attention_layers > 0 ? a.attention_layers : a.layers;
  const uint64_t sliding = std::min(attention, a.sliding_layers);
  const double per_layer_token =
      static_cast<double>(kv_bytes_per_token(a, Engine::llamacpp, kv_bytes, 1, 0)) /
      static_cast<double>(attention);
  const auto ctx = static_cast<double>(pad(context, 256));
  const uint64_t seqs = std::max<uint64_t>(1, in.parallel);
  const uint64_t ubatch = in.ubatch > 0 ? in.ubatch : 512;
  double swa_ctx = ctx;
  if (a.sliding_window > 0) {
    swa_ctx = in.kv_unified || seqs == 1
                  ? std::min(ctx, static_cast<double>(pad(a.sliding_window * seqs + ubatch, 256)))
                  : static_cast<double>(seqs) *
                        std::min(ctx / static_cast<double>(seqs),
                                 static_cast<double>(pad(a.sliding_window + ubatch, 256)));
  }
  // A hybrid's recurrent layers: one f32 state per sequence (llama-memory-recurrent.cpp).
  const uint64_t state =
      a.state_layers * seqs *
      (a.state_conv_channels * (a.state_conv_kernel > 0 ? a.state_conv_kernel - 1 : 0) * 4 +
       a.state_ssm_bytes);
  return static_cast<uint64_t>(per_layer_token * (ctx * static_cast<double>(attention - sliding) +
                                                  swa_ctx * static_cast<double>(sliding))) +
         state;
}

uint64_t llamacpp_compute_bytes(const Architecture& a, const PlanInput& in, uint64_t context) {
  const uint64_t ubatch = in.ubatch > 0 ? in.ubatch : 512;
  const uint64_t output = ubatch * (a.vocab + a.hidden) * 4;
  const uint64_t scores = in.flash_attention ? 0 : pad(context, 256) * ubatch * a.heads * 4;
  return a.vocab > 0 ? output + scores : 0;
}

OllamaDefaults ollama_defaults(const Architecture& a, uint64_t total, uint64_t num_ctx,
                               uint64_t parallel) {
  OllamaDefaults d;
  d.num_ctx_automatic = num_ctx == 0;
  d.num_ctx = num_ctx > 0          ? num_ctx
              : total >= 47 * kGiB ? 262144
              : total >= 23 * kGiB ? 32768
                                   : 4096;
  if (a.max_context > 0) d.num_ctx = std::min(d.num_ctx, a.max_context);
  // server/sched.go: one slot for these families, whatever OLLAMA_NUM_PARALLEL says.
  const std::string_view t = a.model_type;
  d.parallel_forced = a.state_layers > 0 || t.starts_with("qwen3next") || t.starts_with("qwen35") ||
                      t.starts_with("nemotron_h") || t.starts_with("lfm2") || t == "mllama" ||
                      t.starts_with("qwen3vl");
  d.parallel = d.parallel_forced ? 1 : std::max<uint64_t>(1, parallel);
  const uint64_t cells = d.num_ctx * d.parallel;
  d.ubatch = cells > 32768 ? 2048 : cells > 4096 ? 1024 : 512;
  return d;
}

std::optional<std::pair<unsigned, unsigned>> parse_engine_version(std::string_view s) {
  if (s.starts_with('v')) s.remove_prefix(1);
  const auto digits = [&](unsigned& out) {
    size_t n = 0;
    out = 0;
    while (n < s.size() && n < 6 && s[n] >= '0' && s[n] <= '9')
      out = out * 10 + static_cast<unsigned>(s[n++] - '0');
    s.remove_prefix(n);
    return n > 0;
  };
  unsigned major = 0, minor = 0;
  if (!digits(major) || !s.starts_with('.')) return std::nullopt;
  s.remove_prefix(1);
  if (!digits(minor)) return std::nullopt;
  return std::pair{major, minor};
}

namespace {

// One plan in the making: what every engine's arithmetic reads, and the allocations outside the
// engine's budget counted so far.
struct Sizing {
  Sizing(const Model& m, const PlanInput& i, double kv_bytes) : in(i), a(m.arch), kvb(kv_bytes) {
    p.engine = in.engine;
    p.pool_total = in.pool_total;
    p.pool_available = in.pool_available;
    p.os_reserve = in.os_reserve;
    tp = std::max<uint64_t>(1, in.tp);
    p.context_length = in.context_length > 0 ? in.context_length
                       : a.max_context > 0   ? a.max_context
                                             : 8192;
    p.kv_dtype_bytes = kvb;
    draft_layers = in.draft ? in.draft->arch.layers : 0;
    p.kv_bytes_per_token = kv_bytes_per_token(a, in.engine, kvb, tp, draft_layers);
    p.weights = m.weight_bytes / tp;
    p.draft_weights = in.draft ? in.draft->weight_bytes / tp : 0;
    weights = p.weights + p.draft_weights;
    pre = static_cast<double>(in.pool_available);
    total = static_cast<double>(in.pool_total);
  }

  void add_outside(std::string label, uint64_t bytes, std::string source) {
    outside += bytes;
    p.outside.push_back(Amount{std::move(label), bytes, std::move(source)});
  }

  const PlanInput& in;
  const Architecture& a;
  const double kvb;  // bytes per element of the KV cache
  Plan p;
  uint64_t tp = 1;
  uint64_t draft_layers = 0;
  uint64_t weights = 0;  // the model's and the draft's, per rank
  double pre = 0;        // what is free before the server loads
  double total = 0;
  uint64_t outside = 0;
};

// Ollama runs llama-server: llama.cpp's plan for the command line Ollama starts it with.
Result<Plan> ollama_plan(const Model& model, const PlanInput& in) {
  const OllamaDefaults d =
      ollama_defaults(model.arch, in.pool_total, in.context_length, in.parallel);
  PlanInput l = in;
  l.engine = Engine::llamacpp;
  l.ollama = true;
  l.context_length = d.num_ctx * d.parallel;
  l.parallel = d.parallel;
  l.kv_unified = false;
  l.ubatch = in.ubatch > 0 ? in.ubatch : d.ubatch;
  if (l.kv_cache_dtype == "auto") l.kv_cache_dtype = "f16";
  auto p = make_plan(model, l);
  if (!p) return p;
  p->engine = Engine::ollama;
  p->slots = d.parallel;
  p->engine_flag = "OLLAMA_CONTEXT_LENGTH=";
  p->notes.push_back(fmt::format(
      "Ollama: num_ctx {}{} x {} slot{}{} = llama-server -c {} -np {} -ub {} (one cache per "
      "slot)",
      d.num_ctx,
      d.num_ctx_automatic ? " (its default for this GPU's memory, capped at the model's)" : "",
      d.parallel, d.parallel == 1 ? "" : "s",
      d.parallel_forced ? " (Ollama runs this family with one slot)" : "", l.context_length,
      d.parallel, l.ubatch));
  return p;
}

// What SGLang allocates outside its pool: FlashInfer's workspace, the CUDA context, and what
// its 1 - fraction share holds (the prefill chunk's activations, the CUDA graphs).
void sglang_outside(Sizing& s, const SglangDefaults& sd) {
  const Architecture& a = s.a;
  s.add_outside(is_qwen(a) ? "FlashInfer workspace (512 MiB for Qwen2/3)" : "FlashInfer workspace",
                is_qwen(a) ? 512 * kMiB : 384 * kMiB,
                "SGLANG_FLASHINFER_WORKSPACE_SIZE default, outside the fraction");
  s.add_outside("CUDA context", kCudaContext, "estimate");
  if (const uint64_t act = mlp_activation_bytes(a, sd.chunked_prefill_size, s.tp); act > 0) {
    s.add_outside(fmt::format("activations for a {}-token prefill chunk", sd.chunked_prefill_size),
                  act,
                  a.experts > 0 ? "estimate, the experts' MLP only (MoE workspaces add more), "
                                  "taken from the 1 - fraction share"
                                : "estimate: the MLP's live tensors, taken from the 1 - fraction "
                                  "share");
    s.add_outside(fmt::format("CUDA graphs up to batch {}", sd.cuda_graph_max_bs),
                  sd.cuda_graph_max_bs * 2 * kMiB,
                  "SGLang's own reserve for them (2 MiB per batch size), taken from the "
                  "1 - fraction share");
  } else {
    s.add_outside("activations and CUDA graphs", kActivations,
                  "estimate at default batch sizes, taken from the 1 - fraction share (the "
                  "model's MLP width is not known)");
  }
}

// SGLang: its fraction (its own default for the GPU where not given) of what is free before
// loading, less the weights and what loading takes, split into its pools (sglang_pools).
void size_sglang(Sizing& s) {
  const PlanInput& in = s.in;
  const Architecture& a = s.a;
  Plan& p = s.p;
  p.fraction_is_default = !in.fraction;
  const SglangDefaults sd = sglang_defaults(in.pool_total, s.tp, in.draft.has_value(),
                                            in.chunked_prefill_size, in.cuda_graph_max_bs);
  p.fraction = in.fraction.value_or(sd.fraction);
  if (p.fraction_is_default) {
    p.fraction_note = fmt::format(
        "SGLang's default for a {:.0f} GiB GPU: {:.0f} MiB reserved for chunked prefill {} "
        "and CUDA graphs up to batch {}; on unified memory the rest of the machine lives in "
        "that reserve too",
        static_cast<double>(in.pool_total) / kGiB, sd.reserved_mib, sd.chunked_prefill_size,
        sd.cuda_graph_max_bs);
  }
  // What loading takes beyond the checkpoint (RoPE caches, workspaces) comes out of the pool:
  // SGLang measures the rest after loading.
  const double kv = s.pre * p.fraction - static_cast<double>(s.weights + kSglangLoading);
  p.kv_pool_signed = static_cast<int64_t>(kv);
  p.kv_pool_bytes = kv > 0 ? static_cast<uint64_t>(kv) : 0;
  const SglangPools pools = sglang_pools(a, in, s.kvb, s.draft_layers, p.kv_pool_bytes);
  p.kv_tokens = pools.kv_tokens;
  if (pools.cell > 0) p.kv_bytes_per_token = pools.cell;
  p.notes.push_back(fmt::format(
      "SGLang's pool: {} of the rest after loading, which takes about {} beyond the "
      "checkpoint (RoPE caches, workspaces; an estimate: 60-210 MiB per rank in published logs)",
      format_bytes(p.kv_pool_bytes), format_bytes(kSglangLoading)));
  if (pools.state_slots > 0) {
    p.notes.push_back(fmt::format(
        "hybrid: {} Mamba/linear-attention layers keep a state of {} per request; SGLang gives "
        "them 0.9/1.9 of the pool (--mamba-full-memory-ratio 0.9): {} requests, {}, and the KV "
        "of the {} attention layers the rest",
        a.state_layers, format_bytes(pools.state_per_request), pools.state_slots,
        format_bytes(pools.state_bytes), a.attention_layers));
  }
  if (pools.swa_tokens > 0 && pools.swa_tokens != pools.kv_tokens) {
    p.notes.push_back(
        fmt::format("SGLang's hybrid SWA pool: the {} full-attention layers hold {} tokens, the {} "
                    "sliding-window layers {} (--swa-full-tokens-ratio 0.8)",
                    (a.attention_layers > 0 ? a.attention_layers : a.layers) - a.sliding_layers,
                    pools.kv_tokens, a.sliding_layers, pools.swa_tokens));
  }
  sglang_outside(s, sd);
  p.server_bytes = static_cast<uint64_t>(s.pre * p.fraction) + s.outside;
  p.engine_flag = "--mem-fraction-static";
}

// vLLM's profiled peak (vllm_profile) and what else its utilization budget holds beside the
// weights and the KV cache.
void vllm_outside(Sizing& s, const VllmProfile& prof, bool graphs_beside) {
  if (prof.forward > 0) {
    const bool sampler_peak = prof.sampler >= prof.forward;
    s.add_outside(
        sampler_peak
            ? fmt::format("profile run: the sampler on {} sequences ({} bytes per logit{})",
                          prof.seqs, prof.sampler_per_logit, prof.torch_sort ? ", torch.sort" : "")
            : fmt::format("profile run: a forward of {} batched tokens", prof.batched_tokens),
        prof.peak(),
        sampler_peak
            ? (prof.torch_sort ? "estimate: top-k/top-p by torch.sort (vLLM before 0.17), "
                                 "gpt-oss-120b's 7.45 GiB profile within 2 %"
                               : "estimate: vLLM 0.17+'s Triton/FlashInfer top-k/top-p, not "
                                 "measured here (38 bytes per logit before 0.17)")
        : prof.moe ? "estimate: the MoE kernels' intermediate caches and the MLP's live "
                     "tensors; the larger of the forward and the sampler"
                   : "estimate: the MLP's live tensors, within 0.5 % of two vLLM logs; the "
                     "larger of the forward and the sampler");
    s.add_outside("non-torch memory", kVllmNonTorch, "as two vLLM logs measured it");
    if (!graphs_beside) {
      s.add_outside("CUDA graphs", kVllmGraphs,
                    "estimate; counted in the budget since vLLM 0.21 (before: beside it)");
    }
  } else {
    s.add_outside("CUDA context", kCudaContext, "estimate, inside the utilization budget");
    s.add_outside("activations and CUDA graphs", kActivations,
                  "estimate of the profiled peak, inside the budget (the model's MLP width is "
                  "not known)");
  }
}

// vLLM: ceil(total x utilization) must be free at start; the KV cache is what is left of it
// after the weights and the profiled peak, laid out in blocks (a hybrid's: vllm_hybrid).
void size_vllm(Sizing& s) {
  const PlanInput& in = s.in;
  const Architecture& a = s.a;
  Plan& p = s.p;
  p.fraction_is_default = !in.fraction;
  p.fraction = in.fraction.value_or(0.9);
  if (p.fraction_is_default) p.fraction_note = "vLLM's default 0.9 (0.92 in recent versions)";
  const double requested = std::ceil(s.total * p.fraction);
  const VllmProfile prof = vllm_profile(a, in);
  // Before 0.21 vLLM captured its CUDA graphs after sizing the cache, beside the budget
  // (docs/research/vllm-moe-profile.md: VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS, the default
  // from 0.21).
  const bool graphs_beside =
      in.engine_version && *in.engine_version < std::pair<unsigned, unsigned>{0, 21};
  vllm_outside(s, prof, graphs_beside);
  const double kv = requested - static_cast<double>(s.weights) - static_cast<double>(s.outside);
  p.kv_pool_signed = static_cast<int64_t>(kv);
  p.kv_pool_bytes = kv > 0 ? static_cast<uint64_t>(kv) : 0;
  p.kv_tokens = kv > 0 ? kv_tokens_for_budget(a, in, p.context_length, p.kv_pool_bytes) : 0;
  if (a.state_layers > 0 && kv > 0) {
    const VllmHybrid h = vllm_hybrid(a, s.kvb, s.tp, in.spec_tokens, p.context_length);
    p.notes.push_back(
        fmt::format("hybrid: {} attention and {} state layers; vLLM makes their pages equal ({} B: "
                    "attention blocks of {} tokens), in {} groups of {} layers; a request holds {} "
                    "blocks at {} tokens",
                    a.attention_layers, a.state_layers, h.page, h.block, h.groups, h.group_size,
                    h.per_request, p.context_length));
  }
  p.server_bytes = static_cast<uint64_t>(requested);
  s.outside = 0;  // inside the budget for vLLM
  if (graphs_beside && prof.forward > 0) {
    p.outside.push_back(Amount{"CUDA graphs, beside the budget", kVllmGraphs,
                               "estimate; vLLM before 0.21 captures them after sizing the cache"});
    p.server_bytes += kVllmGraphs;
    s.outside = kVllmGraphs;
  }
  p.engine_flag = "--gpu-memory-utilization";
  if (requested > s.pre) {
    p.verdict = Verdict::no_fit;
    p.shortfall = static_cast<uint64_t>(requested - s.pre);
    p.reason = fmt::format(
        "vLLM refuses to start: \"Free memory on device ({}) on startup is "
        "less than desired GPU memory utilization ({:.2f}, {})\"",
        format_bytes(in.pool_available), p.fraction,
        format_bytes(static_cast<uint64_t>(requested)));
  }
}

// The longest context (in 256-cell steps) whose cache and compute buffer, by the same
// arithmetic, leave the reserve: both grow with the context, so a binary search finds it.
uint64_t llamacpp_max_safe_context(const Sizing& s) {
  const Architecture& a = s.a;
  const PlanInput& in = s.in;
  const uint64_t compute_now = llamacpp_compute_bytes(a, in, s.p.context_length);
  const double budget = s.pre - static_cast<double>(in.os_reserve) -
                        static_cast<double>(s.weights + s.outside - compute_now);
  uint64_t lo = 0, hi = uint64_t{1} << 16;  // in 256-cell steps: up to 16M cells
  while (lo < hi) {
    const uint64_t mid = (lo + hi + 1) / 2;
    const auto bytes = static_cast<double>(llamacpp_kv_bytes(a, in, mid * 256, s.kvb) +
                                           llamacpp_compute_bytes(a, in, mid * 256));
    if (bytes <= budget) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo * 256;
}

// llama.cpp: the cache for the whole (padded) context, SWA layers at their window.
void size_llamacpp(Sizing& s) {
  const PlanInput& in = s.in;
  const Architecture& a = s.a;
  Plan& p = s.p;
  const auto kv = static_cast<double>(llamacpp_kv_bytes(a, in, p.context_length, s.kvb));
  p.kv_pool_signed = static_cast<int64_t>(kv);
  p.kv_pool_bytes = static_cast<uint64_t>(kv);
  p.kv_tokens = p.context_length;
  if (const uint64_t compute = llamacpp_compute_bytes(a, in, p.context_length); compute > 0) {
    s.add_outside(fmt::format("compute buffer (micro-batch {}{})", in.ubatch > 0 ? in.ubatch : 512,
                              in.flash_attention ? ", flash attention" : ", no flash attention"),
                  compute,
                  in.flash_attention
                      ? "llama.cpp's worst-case graph: the logits and final norm in float32, "
                        "within 0.2 % of two logs"
                      : "llama.cpp's worst-case graph: one layer's attention scores beside the "
                        "logits, in float32");
  } else {
    s.add_outside("compute buffers", kLlamaCompute,
                  "estimate at the default batch size (the vocabulary is not known)");
  }
  if (in.ollama) {
    s.add_outside("Ollama's minimum per GPU", 457 * kMiB, "ml/device.go MinimumMemory, kept free");
  }
  s.add_outside("CUDA context", kCudaContext, "estimate");
  p.server_bytes = s.weights + p.kv_pool_bytes + s.outside;
  p.engine_flag = "-c";
  p.max_safe_context = llamacpp_max_safe_context(s);
}

// The highest fraction that leaves the OS reserve available (rounded down to 0.01).
void suggest_fraction(Sizing& s) {
  const PlanInput& in = s.in;
  const double pre = s.pre;
  if (in.engine == Engine::sglang && pre > 0) {
    const double f =
        (pre - static_cast<double>(in.os_reserve) - static_cast<double>(s.outside)) / pre;
    s.p.max_safe_fraction = std::clamp(round_down(f, 0.01), 0.0, 0.95);
  } else if (in.engine == Engine::vllm && s.total > 0) {
    s.p.max_safe_fraction = std::clamp(
        round_down(
            (pre - static_cast<double>(in.os_reserve) - static_cast<double>(s.outside)) / s.total,
            0.01),
        0.0, 0.95);
  }
}

// The verdict, where the engine's own start check has not given one.
void give_verdict(const PlanInput& in, Plan& p) {
  if (p.verdict == Verdict::no_fit) return;
  if (in.engine == Engine::sglang && p.kv_pool_signed <= 0) {
    p.verdict = Verdict::no_fit;
    p.shortfall =
        static_cast<uint64_t>(-p.kv_pool_signed) + p.context_length * p.kv_bytes_per_token;
    p.reason =
        "SGLang stops at start: \"Not enough memory. Please try to increase "
        "--mem-fraction-static.\" (the weights take all of the fraction)";
  } else if (p.server_bytes > in.pool_available) {
    p.verdict = Verdict::no_fit;
    p.shortfall = p.server_bytes - in.pool_available;
    p.reason = fmt::format("the server needs {} but {} is available", format_bytes(p.server_bytes),
                           format_bytes(in.pool_available));
  } else if (in.engine != Engine::llamacpp && p.kv_tokens < p.context_length) {
    p.verdict = Verdict::no_fit;
    p.shortfall = (p.context_length - p.kv_tokens) * p.kv_bytes_per_token;
    p.reason = fmt::format("the KV cache holds {} tokens, fewer than one request's context of {}",
                           p.kv_tokens, p.context_length);
  } else if (p.left_bytes < in.os_reserve) {
    p.verdict = Verdict::tight;
    p.shortfall = in.os_reserve - p.left_bytes;
    p.reason = fmt::format("it leaves {} available, under the {} reserve",
                           format_bytes(p.left_bytes), format_bytes(in.os_reserve));
  } else {
    p.reason = fmt::format("{} stays available (reserve {})", format_bytes(p.left_bytes),
                           format_bytes(in.os_reserve));
  }
}

// What the plan does not size exactly, or sizes by an assumption worth saying.
void add_notes(const Model& model, const PlanInput& in, uint64_t tp, Plan& p) {
  const Architecture& a = model.arch;
  if (a.sliding_layers > 0 && in.engine == Engine::vllm) {
    p.notes.push_back(
        fmt::format("{} of {} layers use a {}-token sliding window; this plan sizes vLLM's "
                    "cache as if all were full attention (its sliding-window manager frees "
                    "blocks behind the window: more tokens fit than said)",
                    a.sliding_layers, a.layers, a.sliding_window));
  }
  if (tp > 1 && in.engine != Engine::llamacpp) {
    p.notes.push_back(fmt::format(
        "{} ranks: every figure is per rank, for ranks alike; {} sizes every rank's cache by "
        "the rank with the least free memory ({}), so a rank that also holds another process's "
        "memory shrinks them all",
        tp, in.engine == Engine::vllm ? "vLLM" : "SGLang",
        in.engine == Engine::vllm ? "the fewest blocks any worker can hold"
                                  : "its free memory is the minimum over ranks"));
  }
  const bool fp4_gguf = model.weights_by_dtype.count("MXFP4") > 0;
  if ((a.quant_method == "mxfp4" || fp4_gguf) && in.engine == Engine::vllm) {
    p.notes.push_back(
        "MXFP4 weights: on a GPU without native FP4 kernels vLLM runs them through Marlin and "
        "holds more than the checkpoint (gpt-oss-120b: 65.97 GiB on an H100, where the same "
        "weights are 59.02 GiB as a GGUF; tests/fixtures/plan/real/vllm-h100-gpt-oss-120b): "
        "the weights above are the checkpoint's");
  }
  if (model.skipped_tied_bytes > 0) {
    p.notes.push_back(fmt::format(
        "lm_head.weight ({}) is in the checkpoint but not loaded: tie_word_embeddings, the "
        "engines use the embedding matrix",
        format_bytes(model.skipped_tied_bytes)));
  }
  if (a.experts > 0) {
    p.notes.push_back(
        fmt::format("mixture of experts: {} experts, {} per token; all are loaded "
                    "(the weights above)",
                    a.experts, a.experts_per_token));
  }
}

}  // namespace

Result<Plan> make_plan(const Model& model, const PlanInput& in) {
  if (in.engine == Engine::ollama) return ollama_plan(model, in);
  const auto kvb = kv_dtype_bytes(in.kv_cache_dtype, model.arch, in.engine);
  if (!kvb) return kvb.error();
  Sizing s(model, in, *kvb);
  if (in.engine == Engine::sglang) {
    size_sglang(s);
  } else if (in.engine == Engine::vllm) {
    size_vllm(s);
  } else {
    size_llamacpp(s);
  }
  Plan& p = s.p;
  p.max_requests = p.context_length > 0 ? p.kv_tokens / p.context_length : 0;
  if (in.engine == Engine::llamacpp) p.max_requests = 1;
  // What stays available once the server runs: the OS's growth, page cache and bursts live
  // there. (On GB10 "available" is already what CUDA can have: the OS's own use is outside it.)
  p.left_bytes = in.pool_available > p.server_bytes ? in.pool_available - p.server_bytes : 0;
  suggest_fraction(s);
  give_verdict(in, p);
  // What the unit's gate should wait for: the server's whole take, rounded up to a GiB.
  p.wait_free_bytes = round_up_gib(p.server_bytes);
  add_notes(model, in, s.tp, p);
  return std::move(s.p);
}

}  // namespace headroom::plan
