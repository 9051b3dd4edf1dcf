// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// What `headroom plan` is asked, read and checked into the planner's input: the options (or what
// a server's own command line gives), the engine's flags checked against the engine, the model
// located and loaded, the pool from the GB10 preset, --pool or this machine; then the plan.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/sample.h"
#include "plan/model.h"
#include "plan/planner.h"

namespace headroom::plan {

// The options of `headroom plan`, as given (flags not given keep these defaults).
struct PlanOptions {
  std::string model;
  std::string draft_model;
  std::string engine = "sglang";
  uint64_t context_length = 0;
  std::string kv_cache_dtype = "auto";
  uint64_t tp = 1;
  uint64_t page_size = 0;
  std::optional<double> mem_fraction_static;
  std::optional<double> gpu_memory_utilization;
  std::string pool;
  std::string machine;
  std::string os_reserve;
  std::string free_before;
  std::optional<uint64_t> parallel;  // llama.cpp -np (unset: llama-server's auto, 4 unified)
  uint64_t ubatch = 0;               // 0: the engine's
  bool kv_unified = false;
  std::string flash_attn;      // llama.cpp: on|off (empty: on, llama.cpp's auto on a GPU)
  std::string engine_version;  // "0.10": the engine's release, where its arithmetic changed
  uint64_t max_num_batched_tokens = 0;  // vLLM (0: its default for the GPU)
  uint64_t max_num_seqs = 0;
  uint64_t speculative_tokens = 0;    // vLLM: MTP/EAGLE tokens per step
  uint64_t chunked_prefill_size = 0;  // SGLang (0: its default for the GPU)
  uint64_t cuda_graph_max_bs = 0;
};

// Whether the user gave the flag ("--model"): a flag given to plan wins over the server's line.
using FlagGiven = std::function<bool(const char*)>;

// This machine's pool now; asked only when neither --machine nor --pool names one.
using PoolReader = std::function<Result<Sample>()>;

// Everything a plan needs, read and checked: the options with what the server's command line
// (after --) gives, the model, the pool; then the plan itself.
struct ComputedPlan {
  PlanOptions o;
  Engine engine = Engine::sglang;
  Model model;
  PlanInput in;
  Plan plan;
  std::string pool_label;    // where the pool's figures come from
  std::string from_command;  // what the server's line gave ("vLLM: --model /m, 0.80; …")
};

// Plans `given`, with the server's own command line `server_command` (empty: none; `env` is
// headroom's environment, "K=V", which a plain command inherits). Errors are the user's: a bad
// flag, a model not found or not readable, a pool that cannot be read.
Result<ComputedPlan> compute_plan(const PlanOptions& given,
                                  const std::vector<std::string>& server_command,
                                  const std::vector<std::string>& env, const FlagGiven& given_flag,
                                  const PoolReader& machine_pool);

// `headroom plan -- CMD`'s arithmetic for `run --free auto` before any footprint is learned.
struct CommandPlan {
  uint64_t wait_free = 0;  // what `headroom plan -- CMD` gives as the gate's --free
  std::string read;        // what it read from the line ("vLLM: --model /m, 0.80")
};

// Plans the server `argv` (engine, model and flags from its words, the pool from
// `machine_pool`); an error when plan cannot (no model it can read here, an engine it does not
// know).
Result<CommandPlan> plan_for_command(const std::vector<std::string>& argv,
                                     const std::vector<std::string>& env,
                                     const PoolReader& machine_pool);

}  // namespace headroom::plan
