// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// safetensors headers: an 8-byte little-endian length N, then N bytes of JSON naming every
// tensor's dtype, shape and byte range. Read without touching the data, so a 90 GB model costs
// a few kilobytes of I/O. Untrusted input: every length and offset is checked against the file.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace headroom::plan {

struct TensorInfo {
  std::string name;
  std::string dtype;  // "BF16", "F8_E4M3", "U8", ...
  std::vector<uint64_t> shape;
  uint64_t bytes = 0;
};

struct SafetensorsHeader {
  std::vector<TensorInfo> tensors;
  std::map<std::string, uint64_t> bytes_by_dtype;
  uint64_t total_bytes = 0;  // of the tensors (what loading them costs)
};

// Bytes per element of a safetensors dtype; 0 when unknown.
double safetensors_dtype_size(std::string_view dtype);

// Parses the header of a file of `file_size` bytes whose first bytes are `head` (at least the
// 8-byte length and the JSON it announces). Errors name the problem; the caller adds the path.
Result<SafetensorsHeader> parse_safetensors(std::string_view head, uint64_t file_size);

// Opens `path`, reads only the header.
Result<SafetensorsHeader> read_safetensors(const std::string& path);

}  // namespace headroom::plan
