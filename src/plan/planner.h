// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The planner's arithmetic: the engine's own sizing (FIELD.md section 2) applied to a model and
// a pool, plus the allocations outside the engine's budget as labelled estimates. Pure: no I/O.
//
// SGLang: kv = avail_after_load - pre * (1 - mem_fraction_static), where pre is the memory free
//   before loading and avail_after_load = pre - weights - loading's own allocations, so
//   kv = pre * fraction - weights - loading;
//   tokens = kv / cell_size, rounded down to the page size (hybrid Mamba and SWA pools:
//   sglang_pools). cell_size per token:
//     MHA: max(1, kv_heads / tp) * (head_dim + v_head_dim) * layers * kv_dtype_bytes
//     MLA: (kv_lora_rank + qk_rope_head_dim) * layers * kv_dtype_bytes
//     EAGLE draft: cell_size * (1 + draft_layers / layers)
// vLLM: requested = ceil(total * gpu_memory_utilization) must be free at start; the KV cache is
//   what is left of it after the weights and the profiled peak; per layer and token
//   2 * kv_heads * head_size * dtype_bytes (MLA: 1 * 576 * dtype_bytes), in blocks of 16.
//   Hybrid models (Gated DeltaNet, Mamba-2): the state page and the attention page are made
//   equal (the attention block grows to 16 * ceil(state_page / (16 * attention_page_per_token))
//   tokens); layers are grouped by the attention layers' count; a request holds
//   ceil(len / block) blocks plus one per state group (v1/core/kv_cache_utils.py).
// llama.cpp: pad(n_ctx, 256) cells * attention layers * kv_heads * (K + V dims) * type_size
//   (MLA: kv_lora_rank + rope dims, K only); sliding-window layers hold
//   min(n_ctx, pad(n_swa * (unified ? n_seq : 1) + n_ubatch, 256)) cells per stream
//   (llama-kv-cache-iswa.cpp).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "plan/model.h"

namespace headroom::plan {

// Ollama (v0.30+) runs llama.cpp's llama-server for every GGUF: llama.cpp's arithmetic, with
// Ollama's own defaults (ollama_defaults).
enum class Engine { sglang, vllm, llamacpp, ollama };
std::optional<Engine> parse_engine(std::string_view s);
std::string_view engine_name(Engine e);

struct PlanInput {
  Engine engine = Engine::sglang;
  uint64_t context_length = 0;  // tokens one request may use; 0: the model's maximum
  std::string kv_cache_dtype = "auto";
  uint64_t tp = 1;
  uint64_t page_size = 0;          // 0: the engine's default (SGLang 1, vLLM 16)
  std::optional<double> fraction;  // --mem-fraction-static / --gpu-memory-utilization
  uint64_t pool_total = 0;         // what the engine sees as the GPU's total
  uint64_t pool_available = 0;     // what is free before the server loads ("pre")
  uint64_t os_reserve = 0;         // what the rest of the machine needs
  std::optional<Model> draft;      // EAGLE / standalone draft model
  // llama.cpp: slots (--parallel), the micro-batch (--ubatch) and whether the slots share one
  // cache (--kv-unified); they size its sliding-window cache.
  uint64_t parallel = 1;
  uint64_t ubatch = 0;  // 0: the engine's (llama.cpp 512, Ollama by its context)
  bool kv_unified = false;
  bool flash_attention = true;  // llama.cpp: -fa (auto: on where the backend has it)
  uint64_t spec_tokens = 0;     // vLLM: speculative tokens per step (a Mamba state keeps them)
  // vLLM's profile run: tokens in its dummy batch and sequences in its sampler run (0: vLLM's
  // defaults for `vllm serve`, by the GPU's total memory).
  uint64_t max_num_batched_tokens = 0;
  uint64_t max_num_seqs = 0;
  // SGLang: --chunked-prefill-size and --cuda-graph-max-bs (0: its defaults for the GPU).
  uint64_t chunked_prefill_size = 0;
  uint64_t cuda_graph_max_bs = 0;
  bool ollama = false;  // llama.cpp run by Ollama (its minimum kept free is added)
  // The engine's release, where its arithmetic changed between releases ({0, 10} for vLLM
  // 0.10.x); nullopt: the current one.
  std::optional<std::pair<unsigned, unsigned>> engine_version = std::nullopt;
};

// vLLM's profiled peak beyond the weights, as an estimate (see vllm_profile in planner.cpp):
// the larger of the forward's and the dummy sampler's, not their sum.
struct VllmProfile {
  uint64_t batched_tokens = 0;
  uint64_t seqs = 0;
  uint64_t forward = 0;          // one forward of batched_tokens: the live tensors at the MLP
  uint64_t sampler = 0;          // the dummy sampler on `seqs` rows, the batch's hidden states kept
  double sampler_per_logit = 0;  // bytes per logit at the sampler's peak
  bool torch_sort = false;       // the sampler's top-k/top-p by torch.sort (vLLM before 0.17)
  bool moe = false;
  uint64_t peak() const { return std::max(forward, sampler); }
};
VllmProfile vllm_profile(const Architecture& a, const PlanInput& in);

// One amount in the plan, with where it comes from.
struct Amount {
  std::string label;
  uint64_t bytes = 0;
  std::string source;  // "measured", "SGLang's formula", "estimate: …"
};

enum class Verdict { fits, tight, no_fit };
std::string_view verdict_name(Verdict v);  // "fits", "fits, too little headroom", "does not fit"

struct Plan {
  Engine engine = Engine::sglang;
  uint64_t context_length = 0;
  double fraction = 0;  // the engine's fraction used (0 for llama.cpp)
  bool fraction_is_default = false;
  std::string fraction_note;
  double kv_dtype_bytes = 2;
  uint64_t kv_bytes_per_token = 0;  // per rank, all layers (what one token of cache costs)
  uint64_t kv_pool_bytes = 0;       // may be 0 when it does not fit
  int64_t kv_pool_signed = 0;       // the engine's arithmetic before clamping (negative: short)
  uint64_t kv_tokens = 0;
  uint64_t max_requests = 0;  // at the full context length
  uint64_t weights = 0;       // per rank
  uint64_t draft_weights = 0;
  std::vector<Amount> outside;  // allocations outside the engine's budget (estimates)
  uint64_t server_bytes = 0;    // what the server will take in all
  uint64_t left_bytes = 0;      // still available once the server runs
  uint64_t pool_total = 0;
  uint64_t pool_available = 0;
  uint64_t os_reserve = 0;
  Verdict verdict = Verdict::fits;
  std::string reason;
  uint64_t shortfall = 0;
  double max_safe_fraction = 0;   // the highest that leaves os_reserve (0: none does)
  uint64_t max_safe_context = 0;  // llama.cpp: the longest context that leaves os_reserve
  std::string engine_flag;        // "--mem-fraction-static 0.75"
  uint64_t slots = 1;             // Ollama: context_length is num_ctx x slots
  uint64_t wait_free_bytes = 0;   // headroom wait --free … for the unit
  std::vector<std::string> notes;
};

// Bytes per element of the KV cache for `dtype` ("auto" = the model's dtype).
Result<double> kv_dtype_bytes(std::string_view dtype, const Architecture& a, Engine e);

// KV bytes one token costs, per rank, as the engine computes it.
uint64_t kv_bytes_per_token(const Architecture& a, Engine e, double dtype_bytes, uint64_t tp,
                            uint64_t draft_layers);

// SGLang's memory-dependent defaults for a GPU of `total` bytes (FIELD.md section 2; v0.5.3+):
// chunked prefill and CUDA-graph batch by band, and the mem_fraction_static they leave. A given
// chunked prefill / graph batch (non-zero) is used instead of the band's.
struct SglangDefaults {
  uint64_t chunked_prefill_size = 0;
  uint64_t cuda_graph_max_bs = 0;
  double reserved_mib = 0;
  double fraction = 0;
};
SglangDefaults sglang_defaults(uint64_t total, uint64_t tp, bool eagle, uint64_t chunked,
                               uint64_t graph_bs);
double sglang_default_fraction(uint64_t total, uint64_t tp, bool eagle);

// SGLang's pools for `rest` bytes (its "rest memory": free before loading x mem_fraction_static
// - what loading took), per rank (docs/research/sglang-hybrid-pools.md):
//   plain: max_total_num_tokens = rest / cell, cell = the KV of every attention layer;
//   Mamba / Gated DeltaNet layers: a state pool of rest x R / (1 + R) bytes (R =
//     --mamba-full-memory-ratio, 0.9) in whole requests, each layers x (conv channels / tp x
//     (kernel - 1) x 2 B + the SSM state / tp), the KV from what is left;
//   sliding-window layers (SGLang's hybrid SWA pool, since PR #22389): cell = full layers' KV +
//     r x the sliding layers' (r = --swa-full-tokens-ratio, 0.8); the full layers hold
//     rest / cell tokens, the sliding ones r x that.
// Token counts are rounded down to the page size. An EAGLE draft (draft_layers) joins the cell.
struct SglangPools {
  uint64_t cell = 0;               // bytes per token of max_total_num_tokens
  uint64_t kv_tokens = 0;          // max_total_num_tokens (the full-attention layers' tokens)
  uint64_t swa_tokens = 0;         // the sliding-window layers' pool
  uint64_t state_per_request = 0;  // a Mamba/GDN request's state, all layers
  uint64_t state_slots = 0;        // max_mamba_cache_size
  uint64_t state_bytes = 0;        // the state pool as allocated ((slots + 1) x per request)
};
SglangPools sglang_pools(const Architecture& a, const PlanInput& in, double kv_dtype_bytes,
                         uint64_t draft_layers, uint64_t rest);

// vLLM's layout of a hybrid model's cache.
struct VllmHybrid {
  uint64_t page = 0;        // bytes of one block of one layer
  uint64_t block = 0;       // tokens in an attention block
  uint64_t group_size = 0;  // layers per group
  uint64_t groups = 0;      // one attention group + the state groups
  uint64_t per_request = 0;
  uint64_t context = 0;
  uint64_t tokens(uint64_t bytes) const {
    if (page == 0 || group_size == 0 || per_request == 0) return 0;
    const uint64_t blocks = bytes / (group_size * page);
    // vLLM's "GPU KV cache size": the concurrency at the full length, in tokens.
    return static_cast<uint64_t>(static_cast<double>(blocks) / static_cast<double>(per_request) *
                                 static_cast<double>(context));
  }
};

VllmHybrid vllm_hybrid_layout(const Architecture& a, const PlanInput& in, uint64_t context);

// The engine's KV tokens for a KV budget of `budget` bytes (what vLLM logs as "Available KV
// cache memory", SGLang's pool) at one request's `context`; the arithmetic make_plan uses.
uint64_t kv_tokens_for_budget(const Architecture& a, const PlanInput& in, uint64_t context,
                              uint64_t budget);
// llama.cpp's KV cache bytes for a context of `context` cells (-c), kv_bytes per element.
uint64_t llamacpp_kv_bytes(const Architecture& a, const PlanInput& in, uint64_t context,
                           double kv_bytes);

// llama.cpp's compute buffer for a context of `context` cells: what ggml-alloc reserves for the
// worst micro-batch (llama-context.cpp graph_reserve: n_ubatch tokens over the whole cache). At
// its peak the output holds ubatch x (vocab + hidden) float32 (the logits and the final norm);
// without flash attention one full-attention layer's KQ scores, cells x ubatch x heads float32,
// are live beside them. Checked against three logs (tests/plan/corpus_test.cpp).
uint64_t llamacpp_compute_bytes(const Architecture& a, const PlanInput& in, uint64_t context);

// Ollama's defaults (docs/research/ollama-memory.md, v0.30+): num_ctx by the GPU's total memory
// (>= 47 GiB: 262,144; >= 23 GiB: 32,768; else 4096; OLLAMA_CONTEXT_LENGTH or the request's
// num_ctx instead), capped at the model's training context; OLLAMA_NUM_PARALLEL 1 (always 1 for
// the hybrid families); llama-server started with -c num_ctx x parallel -np parallel (one cache
// per slot); -ub 2048 above 32k cells, 1024 above 4096, else 512; f16 cache.
struct OllamaDefaults {
  uint64_t num_ctx = 0;
  bool num_ctx_automatic = false;
  uint64_t parallel = 1;
  bool parallel_forced = false;
  uint64_t ubatch = 512;
};
OllamaDefaults ollama_defaults(const Architecture& a, uint64_t total, uint64_t num_ctx,
                               uint64_t parallel);

// "0.10", "v0.10.1", "0.5.6.post2", an image tag "v0.19.2rc1-cu130": {major, minor}; nullopt for
// anything else ("latest", "nightly", "cu130-nightly").
std::optional<std::pair<unsigned, unsigned>> parse_engine_version(std::string_view s);

Result<Plan> make_plan(const Model& model, const PlanInput& in);

}  // namespace headroom::plan
