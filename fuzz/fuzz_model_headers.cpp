// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the safetensors header and GGUF readers (untrusted files: lengths, counts
// and offsets all checked). The first byte picks the reader; the rest is the file.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "plan/gguf.h"
#include "plan/model.h"
#include "plan/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace headroom::plan;
  if (size < 1) return 0;
  const std::string_view file(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      (void)parse_safetensors(file, file.size());
      break;
    case 1:
      // The table, then the architecture keys read from it (layer kinds, SWA patterns, SSM).
      if (auto g = parse_gguf(file, file.size())) (void)gguf_architecture(*g, "fuzz.gguf");
      break;
    default:
      (void)parse_config("config.json", file);
      break;
  }
  return 0;
}
