// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// What a plan says, in the words `headroom plan` prints: its sizes, the KV formula behind its
// per-token figure, and the flags it gives the engine and the gate.
#pragma once

#include <cstdint>
#include <string>

#include "plan/model.h"
#include "plan/planner.h"

namespace headroom::plan {

// "12.34 GiB": the plan's sizes, two decimals.
std::string format_gib(uint64_t bytes);

// "1,048,576".
std::string format_thousands(uint64_t v);

// How the KV bytes per token come about: "8 KV heads x (128 + 128) x 40 layers x 2 bytes".
std::string kv_formula(const Architecture& a, const Plan& p, uint64_t tp);

// llama.cpp and Ollama: a context length to give, not a fraction of the pool.
bool sizes_by_context(Engine e);

// The engine's flag with the plan's value: "--mem-fraction-static 0.75", "-c 8192",
// "OLLAMA_CONTEXT_LENGTH=8192".
std::string engine_flag_with_value(const Plan& p);

// The gate's --free value for the plan: "70G" (whole GiB).
std::string wait_free_flag(const Plan& p);

}  // namespace headroom::plan
