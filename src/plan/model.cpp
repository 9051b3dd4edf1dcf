// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "plan/model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "plan/gguf.h"
#include "plan/safetensors.h"
#include "probe/fs.h"

namespace headroom::plan {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

Result<std::string> read_text(const std::string& path) {
  auto text = read_file(path);
  if (!text) {
    return make_error(
        fmt::format("{}: cannot be read ({})", path,
                    text.error().sys_errno == EFBIG
                        ? "larger than " + std::to_string(kMaxReadBytes >> 20) + " MiB"
                        : std::strerror(text.error().sys_errno)));
  }
  return text;
}

// Python's json.dump writes Infinity, -Infinity and NaN, which JSON has not (Nemotron-H's
// config.json: "time_step_limit": [0.0, Infinity]); outside strings they are read as null.
std::string python_json(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) {
        out += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    bool replaced = false;
    for (std::string_view word : {"-Infinity", "Infinity", "NaN"}) {
      if (text.substr(i, word.size()) == word) {
        out += "null";
        i += word.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += c;
  }
  return out;
}

// JSON from an untrusted file: syntax errors with their byte, and the library's other refusals
// (a number too large for a double: "1E999999") as errors too, never an exception.
Result<json> parse_json(const std::string& path, std::string_view text) {
  try {
    if (text.find("Infinity") != std::string_view::npos ||
        text.find("NaN") != std::string_view::npos) {
      return json::parse(python_json(text));
    }
    return json::parse(text);
  } catch (const json::parse_error& e) {
    return make_error(fmt::format("{}: not valid JSON at byte {}", path, e.byte));
  } catch (const json::exception& e) {
    return make_error(fmt::format("{}: not valid JSON ({})", path, e.what()));
  }
}

// A field as a positive integer; `required` errors name the file and the field.
struct Fields {
  const std::string& path;
  const json& j;

  bool has(const char* key) const { return j.contains(key) && !j[key].is_null(); }
  Result<uint64_t> count(const char* key, bool required, uint64_t fallback = 0) const {
    if (!has(key)) {
      if (required) return make_error(fmt::format("{}: {} is missing", path, key));
      return fallback;
    }
    const json& v = j[key];
    if (!v.is_number_integer() || v.get<int64_t>() < 0) {
      return make_error(fmt::format("{}: {} must be a non-negative integer, not {}", path, key,
                                    v.dump().substr(0, 40)));
    }
    return v.get<uint64_t>();
  }
};

// What the engines compute in for dtype "auto": bf16/fp16 as declared; float32 checkpoints
// (Gemma 2) run in half precision (SGLang's and vLLM's "auto": FP16 for FP32 models).
uint64_t dtype_bytes(std::string_view) {
  return 2;
}

// Which layers keep KV per token, and the state of the others (vLLM's and SGLang's readers of
// the same keys: Qwen3-Next's Gated DeltaNet, Nemotron-H's and Jamba's Mamba-2).
Result<bool> hybrid_layers(const Fields& f, const json& j, Architecture& a) {
  a.attention_layers = a.layers;
  uint64_t linear = 0, mamba = 0, attention = 0;
  if (j.contains("layer_types") && j["layer_types"].is_array()) {
    for (const auto& t : j["layer_types"]) {
      if (!t.is_string()) continue;
      const std::string kind = t.get<std::string>();
      if (kind == "linear_attention") ++linear;
      if (kind == "mamba" || kind == "mamba2") ++mamba;
      if (kind.find("attention") != std::string::npos && kind != "linear_attention") ++attention;
    }
  } else if (auto k = f.count("full_attention_interval", false); k && *k > 0) {
    attention = a.layers / *k;  // layer i is full attention when (i + 1) % k == 0
    linear = a.layers - attention;
  } else if (j.contains("hybrid_override_pattern") && j["hybrid_override_pattern"].is_string()) {
    for (char c : j["hybrid_override_pattern"].get<std::string>()) {
      attention += c == '*' ? 1 : 0;
      mamba += c == 'M' ? 1 : 0;
    }
  } else if (auto period = f.count("attn_layer_period", false); period && *period > 0) {
    const uint64_t offset = f.count("attn_layer_offset", false).value_or(0);
    for (uint64_t i = 0; i < a.layers; ++i)
      attention += i % *period == offset % *period ? 1 : 0;
    mamba = a.layers - attention;
  }
  if (linear + mamba == 0) return true;
  if (attention == 0) {
    return make_error(fmt::format("{}: a hybrid model with no attention layer", f.path));
  }
  a.attention_layers = attention;
  a.state_layers = linear + mamba;
  const auto state_bytes = [&](const char* key) {
    return j.contains(key) && j[key].is_string() && j[key] != "float32" ? 2u : 4u;
  };
  if (linear > 0) {
    // Gated DeltaNet: conv over q, k (key heads) and v (value heads); a value-heads x key-dim x
    // value-dim state.
    const uint64_t kh = f.count("linear_num_key_heads", false).value_or(0);
    const uint64_t vh = f.count("linear_num_value_heads", false).value_or(0);
    const uint64_t kd = f.count("linear_key_head_dim", false).value_or(0);
    const uint64_t vd = f.count("linear_value_head_dim", false).value_or(0);
    a.state_conv_channels = 2 * kh * kd + vh * vd;
    a.state_conv_kernel = f.count("linear_conv_kernel_dim", false).value_or(4);
    a.state_ssm_bytes = vh * kd * vd * state_bytes("mamba_ssm_dtype");
  } else {
    // Mamba-2: conv over x (heads x head dim) and B, C (groups x state); heads x head dim x
    // state.
    const uint64_t heads = f.count("mamba_num_heads", false).value_or(0);
    const uint64_t hd = f.count("mamba_head_dim", false).value_or(0);
    const uint64_t groups = f.count("n_groups", false).value_or(1);
    const uint64_t state = f.count("ssm_state_size", false).value_or(0);
    a.state_conv_channels = heads * hd + 2 * groups * state;
    a.state_conv_kernel = f.count("conv_kernel", false).value_or(4);
    a.state_ssm_bytes = heads * hd * state * state_bytes("mamba_ssm_cache_dtype");
  }
  return true;
}

// llama.cpp's sliding-window layers by architecture where the GGUF has no pattern key
// (llama-model.cpp: hparams.set_swa_pattern(n): layer il slides when il % n < n - 1).
uint64_t gguf_swa_period(std::string_view arch) {
  if (arch == "gpt-oss" || arch == "gemma2") return 2;
  if (arch == "gemma3") return 6;
  if (arch == "cohere2" || arch == "llama4") return 4;
  return 1;  // every layer (Mistral 7B v0.1 style)
}

}  // namespace

Result<Architecture> gguf_architecture(const GgufFile& g, const std::string& path) {
  Architecture a;
  const auto arch = g.string("general.architecture");
  if (!arch) return make_error(fmt::format("{}: general.architecture is missing", path));
  a.name = *arch;
  a.model_type = *arch;
  auto get = [&](const std::string& key) { return g.integer(*arch + "." + key); };
  auto need = [&](const std::string& key) -> Result<uint64_t> {
    auto v = get(key);
    if (!v || *v <= 0) {
      return make_error(fmt::format("{}: {}.{} is missing or not positive", path, *arch, key));
    }
    return static_cast<uint64_t>(*v);
  };
  auto layers = need("block_count");
  if (!layers) return layers.error();
  auto heads = need("attention.head_count");
  if (!heads) return heads.error();
  auto hidden = need("embedding_length");
  if (!hidden) return hidden.error();
  a.layers = *layers;
  a.heads = *heads;
  a.hidden = *hidden;
  // head_count_kv is a number, or one per layer (then the largest bounds the cache).
  a.kv_heads = a.heads;
  a.attention_layers = a.layers;
  auto it = g.metadata.find(*arch + ".attention.head_count_kv");
  if (it != g.metadata.end()) {
    if (auto* arr = std::get_if<GgufArray>(&it->second); arr && !arr->ints.empty()) {
      a.kv_heads = static_cast<uint64_t>(*std::max_element(arr->ints.begin(), arr->ints.end()));
      // A hybrid's recurrent layers have no KV heads (llama.cpp's per-layer array).
      const auto zero = static_cast<uint64_t>(std::count(arr->ints.begin(), arr->ints.end(), 0));
      if (zero > 0 && zero < arr->ints.size()) {
        a.attention_layers = arr->ints.size() - zero;
        a.state_layers = zero;
      }
    } else if (auto v = get("attention.head_count_kv"); v && *v > 0) {
      a.kv_heads = static_cast<uint64_t>(*v);
    }
  }
  a.head_dim = static_cast<uint64_t>(
      get("attention.key_length").value_or(static_cast<int64_t>(a.hidden / a.heads)));
  a.v_head_dim = static_cast<uint64_t>(
      get("attention.value_length").value_or(static_cast<int64_t>(a.head_dim)));
  if (auto r = get("attention.kv_lora_rank"); r && *r > 0) {
    a.mla = true;
    a.kv_lora_rank = static_cast<uint64_t>(*r);
    a.qk_rope_head_dim = static_cast<uint64_t>(get("rope.dimension_count").value_or(64));
  }
  // A recurrent layer's state (llama.cpp's llama_memory_recurrent, f32): the conv keeps
  // (d_conv - 1) x (d_inner + 2 x n_group x d_state) values, the SSM d_state x d_inner (Mamba-2,
  // and Gated DeltaNet as qwen3next maps it onto the same keys).
  if (a.state_layers > 0) {
    const auto inner = static_cast<uint64_t>(get("ssm.inner_size").value_or(0));
    const auto state = static_cast<uint64_t>(get("ssm.state_size").value_or(0));
    const auto groups = static_cast<uint64_t>(get("ssm.group_count").value_or(1));
    a.state_conv_channels = inner + 2 * groups * state;
    a.state_conv_kernel = static_cast<uint64_t>(get("ssm.conv_kernel").value_or(4));
    a.state_ssm_bytes = state * inner * 4;
  }
  a.experts = static_cast<uint64_t>(get("expert_count").value_or(0));
  a.experts_per_token = static_cast<uint64_t>(get("expert_used_count").value_or(0));
  a.intermediate = static_cast<uint64_t>(get("feed_forward_length").value_or(0));
  a.moe_intermediate = static_cast<uint64_t>(get("expert_feed_forward_length").value_or(0));
  a.max_context = static_cast<uint64_t>(get("context_length").value_or(0));
  // The vocabulary: its own key, else the tokenizer's token list (an array of strings).
  if (auto v = get("vocab_size"); v && *v > 0) {
    a.vocab = static_cast<uint64_t>(*v);
  } else if (auto t = g.metadata.find("tokenizer.ggml.tokens"); t != g.metadata.end()) {
    if (const auto* arr = std::get_if<GgufArray>(&t->second)) a.vocab = arr->count;
  }
  if (auto w = get("attention.sliding_window"); w && *w > 0) {
    a.sliding_window = static_cast<uint64_t>(*w);
    // The pattern: a period, or one flag per layer; else the architecture's (llama.cpp's).
    uint64_t period = gguf_swa_period(*arch);
    auto pat = g.metadata.find(*arch + ".attention.sliding_window_pattern");
    const GgufArray* flags =
        pat != g.metadata.end() ? std::get_if<GgufArray>(&pat->second) : nullptr;
    if (flags != nullptr && !flags->ints.empty()) {
      a.sliding_layers = static_cast<uint64_t>(
          std::count_if(flags->ints.begin(), flags->ints.end(), [](int64_t v) { return v != 0; }));
    } else {
      if (auto v = get("attention.sliding_window_pattern"); v && *v > 0) {
        period = static_cast<uint64_t>(*v);
      }
      for (uint64_t il = 0; il < a.layers; ++il)
        a.sliding_layers += period <= 1 || il % period < period - 1 ? 1 : 0;
    }
  }
  a.dtype = "float16";
  a.dtype_bytes = 2;
  return a;
}

namespace {

Result<Model> load_gguf(const std::string& path) {
  auto g = read_gguf(path);
  if (!g) return g.error();
  Model m;
  m.path = path;
  m.format = "gguf";
  auto a = gguf_architecture(*g, path);
  if (!a) return a.error();
  m.arch = std::move(*a);
  m.weights_by_dtype = g->bytes_by_type;
  m.weight_bytes = g->total_bytes;
  m.files = {path};
  return m;
}

}  // namespace

Result<Architecture> parse_config(const std::string& path, std::string_view text) {
  auto parsed = parse_json(path, text);
  if (!parsed) return parsed.error();
  json root = std::move(*parsed);
  if (!root.is_object()) return make_error(fmt::format("{}: not a JSON object", path));
  // Multimodal models (Mistral 3, Gemma 3, Llama 4…) keep the language model in text_config.
  json j = root;
  if (root.contains("text_config") && root["text_config"].is_object()) {
    for (const auto& [k, v] : root["text_config"].items())
      j[k] = v;
  }
  const Fields f{path, j};
  Architecture a;
  if (root.contains("architectures") && root["architectures"].is_array() &&
      !root["architectures"].empty() && root["architectures"][0].is_string()) {
    a.name = root["architectures"][0].get<std::string>();
  }
  if (j.contains("model_type") && j["model_type"].is_string()) {
    a.model_type = j["model_type"].get<std::string>();
  }
  auto layers = f.count("num_hidden_layers", true);
  if (!layers) return layers.error();
  if (*layers == 0) return make_error(fmt::format("{}: num_hidden_layers is 0", path));
  auto heads = f.count("num_attention_heads", true);
  if (!heads) return heads.error();
  if (*heads == 0) return make_error(fmt::format("{}: num_attention_heads is 0", path));
  auto hidden = f.count("hidden_size", !f.has("head_dim"));
  if (!hidden) return hidden.error();
  a.layers = *layers;
  a.heads = *heads;
  a.hidden = *hidden;
  auto kv = f.count("num_key_value_heads", false, a.heads);
  if (!kv) return kv.error();
  a.kv_heads = *kv == 0 ? a.heads : *kv;
  auto hd = f.count("head_dim", false, a.hidden / a.heads);
  if (!hd) return hd.error();
  a.head_dim = *hd;
  if (a.head_dim == 0) return make_error(fmt::format("{}: head_dim is 0", path));
  a.v_head_dim = a.head_dim;
  if (f.has("kv_lora_rank")) {
    auto rank = f.count("kv_lora_rank", true);
    if (!rank) return rank.error();
    auto rope = f.count("qk_rope_head_dim", true);
    if (!rope) return rope.error();
    a.mla = *rank > 0;
    a.kv_lora_rank = *rank;
    a.qk_rope_head_dim = *rope;
    auto v = f.count("v_head_dim", false, a.head_dim);
    if (!v) return v.error();
    a.v_head_dim = *v;
  }
  for (const char* key : {"num_local_experts", "num_experts", "n_routed_experts"}) {
    if (auto e = f.count(key, false); e && *e > 0) a.experts = *e;
  }
  if (auto e = f.count("num_experts_per_tok", false); e) a.experts_per_token = *e;
  if (auto i = f.count("intermediate_size", false); i) a.intermediate = *i;
  if (auto i = f.count("moe_intermediate_size", false); i) a.moe_intermediate = *i;
  for (const char* key : {"mtp_num_hidden_layers", "num_nextn_predict_layers"}) {
    if (auto m = f.count(key, false); m && *m > 0) a.mtp_layers = *m;
  }
  if (auto c = f.count("max_position_embeddings", false); c) a.max_context = *c;
  if (auto v = f.count("vocab_size", false); v) a.vocab = *v;
  if (j.contains("torch_dtype") && j["torch_dtype"].is_string()) {
    a.dtype = j["torch_dtype"].get<std::string>();
  } else if (j.contains("dtype") && j["dtype"].is_string()) {
    a.dtype = j["dtype"].get<std::string>();
  } else {
    a.dtype = "bfloat16";
  }
  a.dtype_bytes = dtype_bytes(a.dtype);
  a.tied_embeddings = j.contains("tie_word_embeddings") && j["tie_word_embeddings"] == true;
  if (root.contains("quantization_config") && root["quantization_config"].is_object()) {
    const json& q = root["quantization_config"];
    if (q.contains("quant_method") && q["quant_method"].is_string()) {
      a.quant_method = q["quant_method"].get<std::string>();
    }
  }

  // Sliding-window layers: layer_types where given, else the model family's pattern.
  const bool use_window = !j.contains("use_sliding_window") || j["use_sliding_window"] == true;
  if (f.has("sliding_window") && j["sliding_window"].is_number_unsigned() && use_window) {
    a.sliding_window = j["sliding_window"].get<uint64_t>();
    if (j.contains("layer_types") && j["layer_types"].is_array()) {
      for (const auto& t : j["layer_types"])
        a.sliding_layers += t == "sliding_attention" ? 1 : 0;
    } else if (a.model_type == "gemma2") {
      a.sliding_layers = (a.layers + 1) / 2;  // every other layer, starting with the first
    } else if (a.model_type.rfind("gemma3", 0) == 0) {
      const auto& pj = j.contains("sliding_window_pattern") ? j["sliding_window_pattern"] : json(6);
      const uint64_t pattern = pj.is_number_unsigned() ? pj.get<uint64_t>() : 6;
      a.sliding_layers = a.layers - (pattern > 0 ? a.layers / pattern : 0);
    } else if (a.model_type == "qwen2" || a.model_type == "qwen3" || a.model_type == "qwen2_moe" ||
               a.model_type == "qwen3_moe") {
      a.sliding_window = 0;  // declared, but off unless use_sliding_window is true
    } else {
      a.sliding_layers = a.layers;  // Mistral 7B v0.1 style: every layer
    }
    if (a.sliding_window == 0) a.sliding_layers = 0;
  }
  auto hybrid = hybrid_layers(f, j, a);
  if (!hybrid) return hybrid.error();
  return a;
}

Result<Model> load_model(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    if (!fs::exists(path, ec))
      return make_error(fmt::format("{}: no such file or directory", path));
    return load_gguf(path);
  }
  const std::string config = (fs::path(path) / "config.json").string();
  auto text = read_text(config);
  if (!text) return text.error();
  auto arch = parse_config(config, *text);
  if (!arch) return arch.error();
  Model m;
  m.path = path;
  m.format = "safetensors";
  m.arch = std::move(*arch);

  std::vector<std::string> shards;
  const std::string index = (fs::path(path) / "model.safetensors.index.json").string();
  if (fs::exists(index, ec)) {
    auto itext = read_text(index);
    if (!itext) return itext.error();
    auto parsed = parse_json(index, *itext);
    if (!parsed) return parsed.error();
    json j = std::move(*parsed);
    if (!j.is_object() || !j.contains("weight_map") || !j["weight_map"].is_object()) {
      return make_error(fmt::format("{}: weight_map is missing", index));
    }
    std::set<std::string> unique;
    for (const auto& [tensor, file] : j["weight_map"].items()) {
      if (!file.is_string())
        return make_error(fmt::format("{}: weight_map[\"{}\"] is not a file name", index, tensor));
      const std::string name = file.get<std::string>();
      if (name.find('/') != std::string::npos || name == "..") {
        return make_error(
            fmt::format("{}: weight_map names \"{}\", outside the directory", index, name));
      }
      unique.insert(name);
    }
    for (const std::string& s : unique)
      shards.push_back((fs::path(path) / s).string());
  } else {
    for (const auto& e : fs::directory_iterator(path, ec)) {
      if (e.path().extension() == ".safetensors") shards.push_back(e.path().string());
    }
    std::sort(shards.begin(), shards.end());
  }
  if (shards.empty()) {
    return make_error(
        fmt::format("{}: no *.safetensors files (and no "
                    "model.safetensors.index.json)",
                    path));
  }
  for (const std::string& s : shards) {
    auto h = read_safetensors(s);
    if (!h) return h.error();
    for (const auto& [dtype, bytes] : h->bytes_by_dtype)
      m.weights_by_dtype[dtype] += bytes;
    m.weight_bytes += h->total_bytes;
    if (m.arch.tied_embeddings) {
      for (const TensorInfo& t : h->tensors) {
        if (t.name != "lm_head.weight") continue;
        m.skipped_tied_bytes += t.bytes;
        m.weight_bytes -= t.bytes;
        if ((m.weights_by_dtype[t.dtype] -= t.bytes) == 0) m.weights_by_dtype.erase(t.dtype);
      }
    }
    m.files.push_back(s);
  }
  return m;
}

}  // namespace headroom::plan
