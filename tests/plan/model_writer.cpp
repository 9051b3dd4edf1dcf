// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "plan/model_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "plan/gguf.h"
#include "plan/safetensors.h"

namespace headroom::test {
namespace {

void put(std::string& out, const void* p, size_t n) {
  out.append(static_cast<const char*>(p), n);
}
template <class T>
void put(std::string& out, T v) {
  put(out, &v, sizeof(v));
}
void put_str(std::string& out, const std::string& s) {
  put<uint64_t>(out, s.size());
  out += s;
}

void write_sparse(const std::string& path, const std::string& head, uint64_t total) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + path);
  if (::write(fd, head.data(), head.size()) != static_cast<ssize_t>(head.size()) ||
      ::ftruncate(fd, static_cast<off_t>(total)) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot write " + path);
  }
  ::close(fd);
}

}  // namespace

uint64_t safetensors_bytes(const TensorSpec& t) {
  uint64_t n = 1;
  for (uint64_t d : t.shape)
    n *= d;
  return static_cast<uint64_t>(static_cast<double>(n) * plan::safetensors_dtype_size(t.dtype));
}

void write_safetensors(const std::string& path, const std::vector<TensorSpec>& tensors) {
  nlohmann::ordered_json j;
  j["__metadata__"] = {{"format", "pt"}};
  uint64_t offset = 0;
  for (const TensorSpec& t : tensors) {
    const uint64_t b = safetensors_bytes(t);
    j[t.name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, offset + b}}};
    offset += b;
  }
  std::string header = j.dump();
  while (header.size() % 8 != 0)
    header += ' ';
  std::string head;
  put<uint64_t>(head, header.size());
  head += header;
  write_sparse(path, head, head.size() + offset);
}

void write_hf_model(const std::string& dir, const std::string& config_path,
                    const std::vector<TensorSpec>& tensors, int shards) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  fs::copy_file(config_path, fs::path(dir) / "config.json", fs::copy_options::overwrite_existing);
  nlohmann::ordered_json index;
  index["metadata"] = {{"total_size", 0}};
  uint64_t total = 0;
  // Shard s holds tensors [s*n/shards, (s+1)*n/shards): every shard gets some when n >= shards.
  const size_t n = tensors.size();
  const auto count = static_cast<size_t>(shards);
  for (int s = 0; s < shards; ++s) {
    const size_t from = static_cast<size_t>(s) * n / count;
    const size_t to = (static_cast<size_t>(s) + 1) * n / count;
    if (from >= to) continue;
    std::vector<TensorSpec> part(tensors.begin() + static_cast<long>(from),
                                 tensors.begin() + static_cast<long>(to));
    const std::string name = shards == 1 ? "model.safetensors"
                                         : "model-" + std::to_string(s + 1) + "-of-" +
                                               std::to_string(shards) + ".safetensors";
    write_safetensors((fs::path(dir) / name).string(), part);
    for (const TensorSpec& t : part) {
      index["weight_map"][t.name] = name;
      total += safetensors_bytes(t);
    }
  }
  index["metadata"]["total_size"] = total;
  if (shards > 1) std::ofstream(fs::path(dir) / "model.safetensors.index.json") << index.dump(2);
}

std::vector<TensorSpec> dense_tensors(uint64_t layers, uint64_t hidden, uint64_t heads,
                                      uint64_t kv_heads, uint64_t head_dim, uint64_t ffn,
                                      uint64_t vocab, const std::string& dtype) {
  std::vector<TensorSpec> t;
  t.push_back({"model.embed_tokens.weight", dtype, {vocab, hidden}});
  for (uint64_t l = 0; l < layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    t.push_back({p + "self_attn.q_proj.weight", dtype, {heads * head_dim, hidden}});
    t.push_back({p + "self_attn.k_proj.weight", dtype, {kv_heads * head_dim, hidden}});
    t.push_back({p + "self_attn.v_proj.weight", dtype, {kv_heads * head_dim, hidden}});
    t.push_back({p + "self_attn.o_proj.weight", dtype, {hidden, heads * head_dim}});
    t.push_back({p + "mlp.gate_proj.weight", dtype, {ffn, hidden}});
    t.push_back({p + "mlp.up_proj.weight", dtype, {ffn, hidden}});
    t.push_back({p + "mlp.down_proj.weight", dtype, {hidden, ffn}});
    t.push_back({p + "input_layernorm.weight", dtype, {hidden}});
    t.push_back({p + "post_attention_layernorm.weight", dtype, {hidden}});
  }
  t.push_back({"model.norm.weight", dtype, {hidden}});
  t.push_back({"lm_head.weight", dtype, {vocab, hidden}});
  return t;
}

void write_gguf(const std::string& path, const std::vector<GgufKv>& kv,
                const std::vector<TensorSpec>& tensors) {
  std::map<std::string, uint32_t> type_ids;
  for (uint32_t id = 0; id < 64; ++id) {
    if (auto t = plan::ggml_type(id)) type_ids[std::string(t->name)] = id;
  }
  std::string h = "GGUF";
  put<uint32_t>(h, 3);
  put<uint64_t>(h, tensors.size());
  put<uint64_t>(h, kv.size());
  for (const GgufKv& e : kv) {
    put_str(h, e.key);
    switch (e.type) {
      case GgufKv::u32:
        put<uint32_t>(h, 4);
        put<uint32_t>(h, static_cast<uint32_t>(e.number));
        break;
      case GgufKv::str:
        put<uint32_t>(h, 8);
        put_str(h, e.text);
        break;
      case GgufKv::u32_array:
        put<uint32_t>(h, 9);
        put<uint32_t>(h, 4);
        put<uint64_t>(h, e.count);
        for (uint64_t i = 0; i < e.count; ++i)
          put<uint32_t>(h, static_cast<uint32_t>(e.values.empty() ? e.number : e.values[i]));
        break;
      case GgufKv::str_array:
        put<uint32_t>(h, 9);
        put<uint32_t>(h, 8);
        put<uint64_t>(h, e.count);
        for (uint64_t i = 0; i < e.count; ++i)
          put_str(h, e.text + std::to_string(i));
        break;
    }
  }
  uint64_t offset = 0;
  for (const TensorSpec& t : tensors) {
    put_str(h, t.name);
    put<uint32_t>(h, static_cast<uint32_t>(t.shape.size()));
    uint64_t n = 1;
    for (uint64_t d : t.shape) {
      put<uint64_t>(h, d);
      n *= d;
    }
    const uint32_t id = type_ids.at(t.dtype);
    put<uint32_t>(h, id);
    put<uint64_t>(h, offset);
    const auto gt = *plan::ggml_type(id);
    offset += (n / gt.block * gt.bytes + 31) / 32 * 32;
  }
  while (h.size() % 32 != 0)
    h += '\0';
  write_sparse(path, h, h.size() + offset);
}

}  // namespace headroom::test
