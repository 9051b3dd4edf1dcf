// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// GGUF files (llama.cpp, Ollama): the header, the metadata key/values and the tensor table,
// read without touching the tensor data. Untrusted input: every count and length is checked
// against what is left of the file before anything is allocated.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace headroom::plan {

struct GgufArray {
  uint64_t count = 0;
  std::vector<int64_t> ints;  // integer or bool elements, as 0/1 (up to 65,536 kept)
};
using GgufValue = std::variant<uint64_t, int64_t, double, bool, std::string, GgufArray>;

struct GgufTensor {
  std::string name;
  uint32_t type = 0;  // ggml_type
  std::vector<uint64_t> dims;
  uint64_t offset = 0;
  uint64_t bytes = 0;
};

struct GgufFile {
  uint32_t version = 0;
  std::map<std::string, GgufValue, std::less<>> metadata;
  std::vector<GgufTensor> tensors;
  std::map<std::string, uint64_t> bytes_by_type;  // "Q4_K" -> bytes
  uint64_t total_bytes = 0;

  std::optional<int64_t> integer(std::string_view key) const;
  std::optional<std::string> string(std::string_view key) const;
};

// ggml_type's name ("Q4_K") and its block: elements per block and bytes per block; nullopt for a
// type this build does not know.
struct GgmlType {
  std::string_view name;
  uint32_t block;
  uint32_t bytes;
};
std::optional<GgmlType> ggml_type(uint32_t type);

// Parses a GGUF image given as the file's first bytes (`data`, possibly all of it) and the file's
// size. Errors say what is wrong and at which byte offset.
Result<GgufFile> parse_gguf(std::string_view data, uint64_t file_size);

// Opens `path` and reads the header and tables only.
Result<GgufFile> read_gguf(const std::string& path);

}  // namespace headroom::plan
