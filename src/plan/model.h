// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// A model as the planner needs it: the architecture (from config.json, its text_config for
// multimodal models, or GGUF metadata) and the exact weight bytes by dtype (from the safetensors
// headers or the GGUF tensor table, never the data).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace headroom::plan {

struct Architecture {
  std::string name;        // "LlamaForCausalLM", or GGUF's general.architecture
  std::string model_type;  // "llama", "qwen3_moe", "deepseek_v3", "gemma3_text"
  uint64_t layers = 0;
  uint64_t hidden = 0;
  uint64_t heads = 0;
  uint64_t kv_heads = 0;
  uint64_t head_dim = 0;    // of K
  uint64_t v_head_dim = 0;  // of V
  // Multi-head latent attention (DeepSeek V2/V3): one compressed KV of rank + rope dims.
  bool mla = false;
  uint64_t kv_lora_rank = 0;
  uint64_t qk_rope_head_dim = 0;
  uint64_t experts = 0;
  uint64_t experts_per_token = 0;
  uint64_t intermediate = 0;      // the dense MLP's width (intermediate_size)
  uint64_t moe_intermediate = 0;  // one expert's (moe_intermediate_size)
  uint64_t sliding_window = 0;    // tokens; 0 when none
  uint64_t sliding_layers = 0;    // layers that use it
  // Layers with attention (full or sliding), the ones that keep KV per token; the others are
  // linear attention (Gated DeltaNet: Qwen3-Next, Qwen3.5/3.6; config.json layer_types or
  // full_attention_interval), Mamba-2 (Nemotron-H's hybrid_override_pattern 'M', Jamba) with a
  // fixed state per request, or blocks with no cache at all (Nemotron-H's '-' and 'E').
  uint64_t attention_layers = 0;
  uint64_t state_layers = 0;         // linear-attention and Mamba layers
  uint64_t state_conv_channels = 0;  // per state layer: the causal conv's channels…
  uint64_t state_conv_kernel = 0;    // …and its kernel (kernel - 1 positions are kept)
  uint64_t state_ssm_bytes = 0;      // per state layer: the recurrent state (float32 unless said)
  // Multi-token-prediction layers the checkpoint carries (mtp_num_hidden_layers,
  // num_nextn_predict_layers): with MTP speculative decoding their attention is cached too.
  uint64_t mtp_layers = 0;
  uint64_t max_context = 0;
  uint64_t vocab = 0;
  uint64_t dtype_bytes = 2;      // of the weights' declared dtype (torch_dtype), for KV "auto"
  std::string dtype;             // "bfloat16"
  bool tied_embeddings = false;  // tie_word_embeddings: lm_head is the embedding matrix
  std::string quant_method;      // quantization_config.quant_method ("mxfp4", "fp8", "awq"…)
};

struct Model {
  std::string path;
  std::string format;  // "safetensors" or "gguf"
  Architecture arch;
  std::map<std::string, uint64_t> weights_by_dtype;
  uint64_t weight_bytes = 0;
  // A checkpoint with tie_word_embeddings that still stores lm_head.weight: the engines do not
  // load it (SGLang and vLLM skip it when the embeddings are tied), so it is not in
  // weight_bytes; what it would have been, for the plan to say.
  uint64_t skipped_tied_bytes = 0;
  std::vector<std::string> files;  // the weight files, for page-cache residency
};

// config.json's text (`path` names it in errors: "…/config.json: num_hidden_layers is 0").
Result<Architecture> parse_config(const std::string& path, std::string_view text);

struct GgufFile;
// A GGUF's metadata read as an architecture (`path` names it in errors).
Result<Architecture> gguf_architecture(const GgufFile& g, const std::string& path);

// A Hugging Face directory (config.json + *.safetensors, sharded with
// model.safetensors.index.json) or a .gguf file.
Result<Model> load_model(const std::string& path);

}  // namespace headroom::plan
