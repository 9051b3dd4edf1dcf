// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `headroom plan -- CMD…`: what a server's own command line tells the plan. The engine and its
// arguments come from core/engines (a plain command, or a `docker run` line whose image's
// entrypoint is the server); the model as the command names it, with the container's bind
// mounts to find it on this machine; each memory flag with the engine's own spelling. Pure: no
// file is looked at (the command resolves the paths).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "plan/planner.h"

namespace headroom::plan {

struct Mount {
  std::string host;       // absolute path on this machine
  std::string container;  // where the container sees it
};

struct ServerFlags {
  Engine engine = Engine::sglang;
  std::string engine_name;  // "vLLM"
  std::string model;        // as the command names it (a path in the container, or an id)
  std::optional<std::string> draft_model;
  bool in_container = false;
  std::vector<Mount> mounts;     // -v / --volume / --mount type=bind
  std::vector<std::string> env;  // the container's -e K=V
  std::optional<double> fraction;
  std::optional<uint64_t> context_length, tp, page_size, parallel, ubatch;
  std::optional<uint64_t> max_num_batched_tokens, max_num_seqs, speculative_tokens;  // vLLM
  std::optional<uint64_t> chunked_prefill_size, cuda_graph_max_bs;                   // SGLang
  std::optional<std::string> kv_cache_dtype;
  bool kv_unified = false;
  std::optional<bool> flash_attention;                          // llama.cpp -fa
  std::optional<std::pair<unsigned, unsigned>> engine_version;  // from the image's tag
  std::vector<std::string> read;  // the flags taken, as "--gpu-memory-utilization 0.8"
};

// Errors: not a server headroom plans for (TensorRT-LLM is not modelled yet), no model on the
// line, a flag's value that is not a number. Ollama names no model (`ollama serve`: model is
// empty); its OLLAMA_CONTEXT_LENGTH / OLLAMA_NUM_PARALLEL / OLLAMA_KV_CACHE_TYPE come from the
// container's -e, or for a plain command from `host_env` ("K=V", the shell's).
Result<ServerFlags> read_server_command(const std::vector<std::string>& argv,
                                        const std::vector<std::string>& host_env = {});

// The path on this machine of `path` inside the container, through its bind mounts (the
// longest container prefix wins); nullopt when no mount holds it.
std::optional<std::string> host_path(const std::vector<Mount>& mounts, std::string_view path);

}  // namespace headroom::plan
