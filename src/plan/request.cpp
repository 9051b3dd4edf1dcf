// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "plan/request.h"

#include <fmt/format.h>

#include <filesystem>

#include "core/size.h"
#include "plan/command_line.h"
#include "plan/locate.h"
#include "plan/report.h"

namespace headroom::plan {
namespace {

// DGX Spark / GB10 (FIELD.md sections 1 and 6): CUDA sees 121.69 GiB in all. Free before the
// weights load: 111.5-115.8 GiB in the published single-Spark SGLang/vLLM startup logs, 101.3-102.2
// GiB under TP=2 in containers. The preset takes the lowest single-Spark figure and says so;
// --free-before gives another.
constexpr double kGb10TotalGiB = 121.69;
constexpr double kGb10FreeGiB = 111.5;

// What must stay available once the server runs: the seed's own experience on GB10 was that
// 0.88 (about 9 GiB left) crashed during warm-up where 0.75 (about 22 GiB) worked; FlashInfer
// autotune bursts, page cache and the OS's growth live in this room (FIELD.md sections 1-2).
constexpr uint64_t kDefaultOsReserve = 16 * kGiB;

// The flags the server's line gives, where plan was not given them; the draft model where it
// is on this machine.
void take_server_flags(const ServerFlags& f, const FlagGiven& set, PlanOptions& o) {
  if (!set("--engine")) o.engine = std::string(engine_name(f.engine));
  if (!set("--mem-fraction-static") && !set("--gpu-memory-utilization") && f.fraction) {
    (f.engine == Engine::vllm ? o.gpu_memory_utilization : o.mem_fraction_static) = f.fraction;
  }
  if (!set("--context-length") && f.context_length) o.context_length = *f.context_length;
  if (!set("--tp") && f.tp) o.tp = *f.tp;
  if (!set("--page-size") && f.page_size) o.page_size = *f.page_size;
  if (!set("--kv-cache-dtype") && f.kv_cache_dtype) o.kv_cache_dtype = *f.kv_cache_dtype;
  if (!set("--parallel") && f.parallel) o.parallel = f.parallel;
  if (!set("--ubatch") && f.ubatch) o.ubatch = *f.ubatch;
  if (!set("--kv-unified")) o.kv_unified = f.kv_unified;
  if (!set("--flash-attn") && f.flash_attention) o.flash_attn = *f.flash_attention ? "on" : "off";
  if (!set("--engine-version") && f.engine_version) {
    o.engine_version = fmt::format("{}.{}", f.engine_version->first, f.engine_version->second);
  }
  if (!set("--max-num-batched-tokens") && f.max_num_batched_tokens) {
    o.max_num_batched_tokens = *f.max_num_batched_tokens;
  }
  if (!set("--max-num-seqs") && f.max_num_seqs) o.max_num_seqs = *f.max_num_seqs;
  if (!set("--speculative-tokens") && f.speculative_tokens) {
    o.speculative_tokens = *f.speculative_tokens;
  }
  if (!set("--chunked-prefill-size") && f.chunked_prefill_size) {
    o.chunked_prefill_size = *f.chunked_prefill_size;
  }
  if (!set("--cuda-graph-max-bs") && f.cuda_graph_max_bs) {
    o.cuda_graph_max_bs = *f.cuda_graph_max_bs;
  }
  if (!set("--draft-model") && f.draft_model) {
    ServerFlags draft = f;
    draft.model = *f.draft_model;
    std::string draft_how;
    if (auto path = locate_model(draft, draft_how)) o.draft_model = *path;
  }
}

// headroom plan -- docker run … vllm/vllm-openai MODEL --gpu-memory-utilization 0.8: the
// engine, model and flags from the server's own line; flags given to plan win. Returns what the
// line gave, for the report.
Result<std::string> apply_server_command(const std::vector<std::string>& argv,
                                         const std::vector<std::string>& env, const FlagGiven& set,
                                         PlanOptions& o) {
  auto f = read_server_command(argv, env);
  if (!f) return make_error(f.error().message);
  std::string how;
  if (f->engine == Engine::ollama && !set("--model")) {
    return make_error(
        "after --: `ollama serve` loads what a request names: give --model NAME:TAG (or its "
        "GGUF)");
  }
  if (!set("--model")) {
    auto path = locate_model(*f, how);
    if (!path) return make_error(path.error().message);
    o.model = *path;
  }
  take_server_flags(*f, set, o);
  std::string read;
  for (const std::string& r : f->read)
    read += (read.empty() ? "" : ", ") + r;
  return fmt::format("{}{}{}", f->engine_name, read.empty() ? "" : ": " + read,
                     how.empty() ? "" : "; " + how);
}

// The engine's flags against the engine; the fraction given, if any.
Result<std::optional<double>> check_fraction(const PlanOptions& o, Engine engine) {
  if (o.mem_fraction_static && o.gpu_memory_utilization) {
    return make_error("give --mem-fraction-static (SGLang) or --gpu-memory-utilization (vLLM)");
  }
  std::optional<double> fraction =
      o.mem_fraction_static ? o.mem_fraction_static : o.gpu_memory_utilization;
  if (fraction && (*fraction <= 0 || *fraction > 1))
    return make_error("a fraction is between 0 and 1");
  if (o.gpu_memory_utilization && engine != Engine::vllm) {
    return make_error("--gpu-memory-utilization is vLLM's flag (use --engine vllm)");
  }
  if (o.mem_fraction_static && engine != Engine::sglang) {
    return make_error("--mem-fraction-static is SGLang's flag (use --engine sglang)");
  }
  return fraction;
}

// The pool: the GB10 preset, --pool, or this machine's now; --free-before over any of them.
// Returns where its figures come from.
Result<std::string> read_pool(const PlanOptions& o, const PoolReader& machine_pool, PlanInput& in) {
  std::string pool_label;
  if (!o.machine.empty()) {
    if (o.machine != "gb10") return make_error("--machine: the preset known is gb10 (DGX Spark)");
    in.pool_total = static_cast<uint64_t>(kGb10TotalGiB * kGiB);
    in.pool_available = static_cast<uint64_t>(kGb10FreeGiB * kGiB);
    pool_label =
        "--machine gb10: CUDA's 121.69 GiB total; assumed 111.5 GiB free before loading, the "
        "lowest of the published single-Spark logs (111.5-115.8; 101.3-102.2 seen under TP=2 in "
        "containers: give --free-before)";
  } else if (!o.pool.empty()) {
    auto size = parse_size(o.pool, BareNumber::kReject);
    if (!size) return make_error("--pool: " + size.error().message);
    in.pool_total = in.pool_available = *size;
    pool_label = "--pool";
  } else {
    auto s = machine_pool();
    if (!s) return make_error(s.error().message);
    const PoolView pool = pool_view(*s);
    in.pool_total = pool.total;
    in.pool_available = pool.available;
    pool_label = pool.limited_by_cgroup ? "this machine's cgroup pool, available now"
                                        : "this machine: MemTotal, MemAvailable now";
  }
  if (!o.free_before.empty()) {
    auto size = parse_size(o.free_before, BareNumber::kReject);
    if (!size) return make_error("--free-before: " + size.error().message);
    if (*size > in.pool_total) {
      return make_error(fmt::format("--free-before {} is more than the pool's total ({})",
                                    o.free_before, format_gib(in.pool_total)));
    }
    in.pool_available = *size;
    pool_label += "; free before loading from --free-before";
  }
  return pool_label;
}

// The engine's own settings that size what it allocates, and the reserve.
Status read_engine_settings(const PlanOptions& o, Engine engine, PlanInput& in) {
  // llama-server's slots: -np auto is 4 slots sharing one cache (FIELD.md section 6).
  // Ollama: OLLAMA_NUM_PARALLEL, 1 unless set, one cache per slot (it passes -np itself).
  const bool ollama = engine == Engine::ollama;
  in.parallel = o.parallel.value_or(ollama ? 1 : 4);
  in.kv_unified = !ollama && (o.kv_unified || !o.parallel);
  in.ubatch = o.ubatch;
  in.flash_attention = o.flash_attn != "off";
  if (!o.engine_version.empty()) {
    in.engine_version = parse_engine_version(o.engine_version);
    if (!in.engine_version) {
      return make_error("--engine-version " + o.engine_version +
                        ": give the release as MAJOR.MINOR, e.g. 0.10");
    }
  }
  in.max_num_batched_tokens = o.max_num_batched_tokens;
  in.max_num_seqs = o.max_num_seqs;
  in.chunked_prefill_size = o.chunked_prefill_size;
  in.spec_tokens = o.speculative_tokens;
  in.cuda_graph_max_bs = o.cuda_graph_max_bs;
  in.os_reserve = kDefaultOsReserve;
  if (!o.os_reserve.empty()) {
    auto size = parse_size(o.os_reserve, BareNumber::kReject);
    if (!size) return make_error("--os-reserve: " + size.error().message);
    in.os_reserve = *size;
  }
  return {};
}

}  // namespace

Result<ComputedPlan> compute_plan(const PlanOptions& given,
                                  const std::vector<std::string>& server_command,
                                  const std::vector<std::string>& env, const FlagGiven& given_flag,
                                  const PoolReader& machine_pool) {
  ComputedPlan c;
  PlanOptions& o = c.o;
  o = given;
  if (!server_command.empty()) {
    auto read = apply_server_command(server_command, env, given_flag, o);
    if (!read) return read.error();
    c.from_command = std::move(*read);
  }
  if (o.model.empty()) return make_error("--model PATH, or the server's command after --");
  const auto engine = parse_engine(o.engine);
  if (!engine) return make_error("--engine must be sglang, vllm, llamacpp or ollama");
  auto fraction = check_fraction(o, *engine);
  if (!fraction) return fraction.error();
  std::error_code exists_ec;
  if (*engine == Engine::ollama && !std::filesystem::exists(o.model, exists_ec)) {
    auto blob = ollama_blob(o.model);
    if (!blob) return make_error(blob.error().message);
    o.model = *blob;
  }
  auto model = load_model(o.model);
  if (!model) return make_error(model.error().message);
  PlanInput& in = c.in;
  in.engine = *engine;
  in.context_length = o.context_length;
  in.kv_cache_dtype = o.kv_cache_dtype;
  in.tp = o.tp;
  in.page_size = o.page_size;
  in.fraction = *fraction;
  if (!o.draft_model.empty()) {
    auto draft = load_model(o.draft_model);
    if (!draft) return make_error(draft.error().message);
    in.draft = std::move(*draft);
  }
  auto pool_label = read_pool(o, machine_pool, in);
  if (!pool_label) return pool_label.error();
  c.pool_label = std::move(*pool_label);
  if (Status st = read_engine_settings(o, *engine, in); !st) return st.error();
  auto plan = make_plan(*model, in);
  if (!plan) return plan.error();
  c.plan = std::move(*plan);
  c.engine = *engine;
  c.model = std::move(*model);
  return c;
}

Result<CommandPlan> plan_for_command(const std::vector<std::string>& argv,
                                     const std::vector<std::string>& env,
                                     const PoolReader& machine_pool) {
  auto c = compute_plan(
      PlanOptions{}, argv, env, [](const char*) { return false; }, machine_pool);
  if (!c) return c.error();
  return CommandPlan{c->plan.wait_free_bytes, c->from_command};
}

}  // namespace headroom::plan
