// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "plan/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/size.h"

namespace headroom::plan {

std::string format_gib(uint64_t bytes) {
  return fmt::format("{:.2f} GiB", static_cast<double>(bytes) / kGiB);
}

std::string format_thousands(uint64_t v) {
  // Built forwards (string::insert trips GCC 12's false -Wrestrict at -O3, GCC bug 105651).
  const std::string digits = std::to_string(v);
  std::string s;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) s += ',';
    s += digits[i];
  }
  return s;
}

std::string kv_formula(const Architecture& a, const Plan& p, uint64_t tp) {
  const std::string b = p.kv_dtype_bytes == std::floor(p.kv_dtype_bytes)
                            ? fmt::format("{}", static_cast<int>(p.kv_dtype_bytes))
                            : fmt::format("{:.4f}", p.kv_dtype_bytes);
  if (a.mla) {
    return fmt::format("({} + {}) x {} layers x {} bytes (MLA{})", a.kv_lora_rank,
                       a.qk_rope_head_dim, a.layers, b,
                       p.engine == Engine::llamacpp ? "; llama.cpp caches the latent once" : "");
  }
  const uint64_t layers = a.attention_layers > 0 ? a.attention_layers : a.layers;
  return fmt::format("{} KV heads{} x ({} + {}) x {} {}layers x {} bytes",
                     std::max<uint64_t>(1, a.kv_heads / tp), tp > 1 ? " per rank" : "", a.head_dim,
                     a.v_head_dim, layers, a.state_layers > 0 ? "attention " : "", b);
}

bool sizes_by_context(Engine e) {
  return e == Engine::llamacpp || e == Engine::ollama;
}

std::string engine_flag_with_value(const Plan& p) {
  const std::string value = sizes_by_context(p.engine) ? std::to_string(p.context_length / p.slots)
                                                       : fmt::format("{:.2f}", p.fraction);
  return p.engine_flag + (p.engine_flag.ends_with("=") ? "" : " ") + value;
}

std::string wait_free_flag(const Plan& p) {
  return fmt::format("{}G", p.wait_free_bytes / kGiB);
}

}  // namespace headroom::plan
