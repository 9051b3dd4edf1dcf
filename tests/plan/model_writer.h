// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Writes synthetic model files for the planner's tests and benchmark: real safetensors and GGUF
// headers over sparse data (ftruncate), so a "90 GB" model costs no disk.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace headroom::test {

struct TensorSpec {
  std::string name;
  std::string dtype;  // safetensors dtype ("BF16") or GGUF type name ("Q4_K")
  std::vector<uint64_t> shape;
};

// A safetensors file whose header lists `tensors` back to back; the data is a hole.
void write_safetensors(const std::string& path, const std::vector<TensorSpec>& tensors);

// Bytes of one tensor in safetensors (element size x elements).
uint64_t safetensors_bytes(const TensorSpec& t);

// A Hugging Face directory: copies the committed config.json and writes `shards` files holding
// `tensors` split evenly, with model.safetensors.index.json when there is more than one.
void write_hf_model(const std::string& dir, const std::string& config_path,
                    const std::vector<TensorSpec>& tensors, int shards);

// The tensors of a dense transformer with the given sizes (embedding, per-layer attention and
// MLP, norm, head), in `dtype`.
std::vector<TensorSpec> dense_tensors(uint64_t layers, uint64_t hidden, uint64_t heads,
                                      uint64_t kv_heads, uint64_t head_dim, uint64_t ffn,
                                      uint64_t vocab, const std::string& dtype);

struct GgufKv {
  std::string key;
  enum Type { u32, str, u32_array, str_array } type;
  uint64_t number = 0;
  std::string text;
  uint64_t count = 0;                 // for arrays
  std::vector<uint64_t> values = {};  // a u32 array's elements, when they differ
};

inline GgufKv gguf_u32(std::string key, uint64_t n) {
  return GgufKv{std::move(key), GgufKv::u32, n, "", 0};
}
inline GgufKv gguf_str(std::string key, std::string v) {
  return GgufKv{std::move(key), GgufKv::str, 0, std::move(v), 0};
}
inline GgufKv gguf_u32s(std::string key, std::vector<uint64_t> values) {
  return GgufKv{std::move(key), GgufKv::u32_array, 0, "", values.size(), std::move(values)};
}
inline GgufKv gguf_strs(std::string key, std::string prefix, uint64_t count) {
  return GgufKv{std::move(key), GgufKv::str_array, 0, std::move(prefix), count};
}

// The metadata of a Llama-3.1-8B-shaped GGUF: 32 blocks of 4096, 32 heads, 8 KV heads.
inline std::vector<GgufKv> llama8b_gguf_kv() {
  return {gguf_str("general.architecture", "llama"),    gguf_u32("llama.block_count", 32),
          gguf_u32("llama.embedding_length", 4096),     gguf_u32("llama.attention.head_count", 32),
          gguf_u32("llama.attention.head_count_kv", 8), gguf_u32("llama.context_length", 131072)};
}

// A GGUF v3 file with these key/values and tensors (GGUF type names); the data is a hole.
void write_gguf(const std::string& path, const std::vector<GgufKv>& kv,
                const std::vector<TensorSpec>& tensors);

}  // namespace headroom::test
