// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// headroom plan --model PATH: will it fit, with the engine's own arithmetic (src/plan), and the
// flags to use. Exit 0 fits, 1 does not fit or leaves too little headroom, 2 bad input.
#include <fmt/format.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "cli/plan.h"

#include "cli/common.h"
#include "cli/console.h"
#include "core/sample.h"
#include "core/size.h"
#include "plan/report.h"
#include "plan/request.h"
#include "probe/memory_source.h"
#include "probe/pagecache.h"

namespace headroom {
// A named namespace, so that its using-directive stays here in a unity build of src/cli.
namespace plan_command {
namespace {

using namespace headroom::plan;

struct PlanFlags {
  PlanOptions plan;
  std::string cgroup = "self";  // the memory cgroup that bounds this machine's pool
  bool json = false;
};

// This machine's pool under `cgroup`, read when plan is given no other.
PoolReader machine_pool(const Globals& g, const std::string& cgroup) {
  return [&g, cgroup]() -> Result<Sample> {
    auto src = SystemMemorySource::open(g.fs_root(), cgroup);
    if (!src) return make_error(src.error().message);
    Sample s;
    if (Status st = (*src)->read(s); !st) return make_error(st.error().message);
    return s;
  };
}

// Page cache held by the model's files now (none when they cannot be measured).
ResidencyTotal page_cache_of(const Model& model) {
  auto res = residency_of(model.files);
  return res ? total_residency(*res) : ResidencyTotal{};
}

nlohmann::ordered_json render_json(const ComputedPlan& c, const ResidencyTotal& pc) {
  const Model& m = c.model;
  const Architecture& a = m.arch;
  const Plan& p = c.plan;
  nlohmann::ordered_json outside = nlohmann::ordered_json::array();
  for (const Amount& x : p.outside) {
    outside.push_back({{"label", x.label}, {"bytes", x.bytes}, {"source", x.source}});
  }
  return {{"version", kJsonVersion},
          {"model",
           {{"path", m.path},
            {"format", m.format},
            {"architecture", a.name},
            {"model_type", a.model_type},
            {"layers", a.layers},
            {"attention_heads", a.heads},
            {"kv_heads", a.kv_heads},
            {"head_dim", a.head_dim},
            {"v_head_dim", a.v_head_dim},
            {"mla", a.mla},
            {"kv_lora_rank", a.kv_lora_rank},
            {"qk_rope_head_dim", a.qk_rope_head_dim},
            {"experts", a.experts},
            {"experts_per_token", a.experts_per_token},
            {"sliding_window", a.sliding_window},
            {"sliding_layers", a.sliding_layers},
            {"max_context", a.max_context},
            {"weight_bytes", m.weight_bytes},
            {"weights_by_dtype", m.weights_by_dtype},
            {"files", m.files.size()}}},
          {"engine", engine_name(c.engine)},
          {"from_command", c.from_command},
          {"tp", c.o.tp},
          {"context_length", p.context_length},
          {"kv_cache_dtype", c.o.kv_cache_dtype},
          {"kv_dtype_bytes", p.kv_dtype_bytes},
          {"pool",
           {{"total_bytes", p.pool_total},
            {"available_bytes", p.pool_available},
            {"source", c.pool_label}}},
          {"os_reserve_bytes", p.os_reserve},
          {"fraction", p.fraction},
          {"fraction_is_default", p.fraction_is_default},
          {"kv_bytes_per_token", p.kv_bytes_per_token},
          {"kv_pool_bytes", p.kv_pool_bytes},
          {"kv_tokens", p.kv_tokens},
          {"max_requests", p.max_requests},
          {"weights_per_rank_bytes", p.weights},
          {"draft_weight_bytes", p.draft_weights},
          {"outside_budget", outside},
          {"server_bytes", p.server_bytes},
          {"left_bytes", p.left_bytes},
          {"verdict", verdict_name(p.verdict)},
          {"reason", p.reason},
          {"shortfall_bytes", p.shortfall},
          {"max_safe_fraction", p.max_safe_fraction},
          {"max_safe_context", p.max_safe_context},
          {"engine_flag", engine_flag_with_value(p)},
          {"wait_free_bytes", p.wait_free_bytes},
          {"wait_flag", "--free " + wait_free_flag(p)},
          {"page_cache", {{"model_file_bytes", pc.size}, {"cached_bytes", pc.cached}}},
          {"notes", p.notes}};
}

using Row = std::function<void(std::string_view, const std::string&)>;

// The model, its weights and what plan was told.
void render_inputs(const Row& row, const ComputedPlan& c) {
  const Model& m = c.model;
  const Architecture& a = m.arch;
  const Plan& p = c.plan;
  std::string dtypes;
  for (const auto& [d, b] : m.weights_by_dtype) {
    dtypes += fmt::format("{}{} {}", dtypes.empty() ? "" : ", ", d, format_gib(b));
  }
  row("model",
      fmt::format(
          "{} ({}, {} file{}): {}{}, {} layers, {} heads, {} KV heads x {}{}", m.path, m.format,
          m.files.size(), m.files.size() == 1 ? "" : "s", a.name.empty() ? a.model_type : a.name,
          a.experts > 0 ? fmt::format(" ({} experts, {} active)", a.experts, a.experts_per_token)
                        : "",
          a.layers, a.heads, a.kv_heads, a.head_dim,
          a.mla ? fmt::format(", MLA rank {} + rope {}", a.kv_lora_rank, a.qk_rope_head_dim) : ""));
  row("weights",
      fmt::format("{} ({}){}", format_gib(m.weight_bytes), dtypes,
                  c.o.tp > 1 ? fmt::format(", {} per rank", format_gib(p.weights)) : ""));
  if (c.in.draft) {
    row("draft",
        fmt::format("{}, {} layers", format_gib(p.draft_weights), c.in.draft->arch.layers));
  }
  if (!c.from_command.empty()) row("command", c.from_command);
  row("engine", fmt::format("{}, tp {}, context {} tokens, KV cache {} ({} bytes)",
                            engine_name(c.engine), c.o.tp, format_thousands(p.context_length),
                            c.o.kv_cache_dtype, p.kv_dtype_bytes));
  row("pool", fmt::format("{} total, {} available before the start ({})", format_gib(p.pool_total),
                          format_gib(p.pool_available), c.pool_label));
}

// What the engine will allocate, what is left, the verdict and the flags to use.
void render_budget(const Row& row, const ComputedPlan& c) {
  const Plan& p = c.plan;
  const bool llama = sizes_by_context(c.engine);
  row("KV / token", fmt::format("{} bytes = {}", format_thousands(p.kv_bytes_per_token),
                                kv_formula(c.model.arch, p, c.o.tp)));
  if (!llama) {
    row(c.engine == Engine::sglang ? "fraction" : "utilization",
        fmt::format("{:.2f}{}", p.fraction,
                    p.fraction_is_default ? " (unset: " + p.fraction_note + ")" : " (given)"));
    row("KV pool",
        c.engine == Engine::sglang
            ? fmt::format("{} = {} x {:.2f} - {} weights", format_gib(p.kv_pool_bytes),
                          format_gib(p.pool_available), p.fraction,
                          format_gib(p.weights + p.draft_weights))
            : fmt::format("{} = ceil({} x {:.2f}) - weights - estimates",
                          format_gib(p.kv_pool_bytes), format_gib(p.pool_total), p.fraction));
    row("KV tokens",
        fmt::format("{}: {} request{} at the full context", format_thousands(p.kv_tokens),
                    p.max_requests, p.max_requests == 1 ? "" : "s"));
  } else {
    row("KV cache", fmt::format("{} for {} tokens", format_gib(p.kv_pool_bytes),
                                format_thousands(p.context_length)));
  }
  for (const Amount& x : p.outside)
    row("outside", fmt::format("{} {} ({})", format_gib(x.bytes), x.label, x.source));
  row("server", fmt::format("{} in all", format_gib(p.server_bytes)));
  row("left", fmt::format("{} still available once it runs, for the OS's growth, page cache "
                          "and bursts (reserve {})",
                          format_gib(p.left_bytes), format_gib(p.os_reserve)));
  row("verdict",
      fmt::format("{}: {}{}", verdict_name(p.verdict), p.reason,
                  p.shortfall > 0 ? fmt::format(" (short by {})", format_gib(p.shortfall)) : ""));
  if (llama) {
    row("safe max", p.max_safe_context > 0
                        ? fmt::format("{}{} leaves the {} reserve",
                                      c.engine == Engine::ollama ? "OLLAMA_CONTEXT_LENGTH=" : "-c ",
                                      p.max_safe_context / p.slots, format_gib(p.os_reserve))
                        : "no context length leaves the reserve");
  } else {
    row("safe max", p.max_safe_fraction > 0
                        ? fmt::format("{} {:.2f} leaves the {} reserve", p.engine_flag,
                                      p.max_safe_fraction, format_gib(p.os_reserve))
                        : "no fraction leaves the reserve");
  }
  row("use", fmt::format("{}; gate: headroom wait --free {}", engine_flag_with_value(p),
                         wait_free_flag(p)));
}

// The model's files in the page cache, and what to do about it before the start.
void render_page_cache(const Row& row, const ComputedPlan& c, const ResidencyTotal& pc) {
  if (pc.size == 0) return;
  const std::string& path = c.model.path;
  row("page cache",
      fmt::format("{} of the model's {} cached now{}", format_bytes(pc.cached), format_gib(pc.size),
                  pc.cached < kGiB / 4 ? std::string()
                  : sizes_by_context(c.engine)
                      // llama.cpp may map the GGUF: evicting before the start forces a cold read;
                      // once loaded with a full offload the mapping is gone (core/engines.h).
                      ? fmt::format("; llama.cpp may map it: evict once the server is ready "
                                    "(headroom run --evict {} --evict-when ready), not before the "
                                    "start",
                                    path)
                      : fmt::format("; CUDA on unified memory does not count it as free: "
                                    "`headroom cache --evict {}` before the start (headroom run "
                                    "--evict does it before every start)",
                                    path)));
}

void render_text(Console& console, const ComputedPlan& c, const ResidencyTotal& pc) {
  const Row row = [&console](std::string_view k, const std::string& v) {
    console.line(fmt::format("{:<13}{}", k, v));
  };
  render_inputs(row, c);
  render_budget(row, c);
  render_page_cache(row, c, pc);
  for (const std::string& n : c.plan.notes)
    row("note", n);
}

int run_plan(const PlanFlags& flags, const Globals& g, const FlagGiven& set) {
  Console console;
  auto computed = compute_plan(flags.plan, g.after_dashes, own_environment(), set,
                               machine_pool(g, flags.cgroup));
  if (!computed) return console.fail(computed.error().message);
  const ResidencyTotal pc = page_cache_of(computed->model);
  if (flags.json) {
    console.line(render_json(*computed, pc).dump());
  } else {
    render_text(console, *computed, pc);
  }
  return computed->plan.verdict == Verdict::fits ? 0 : 1;
}

}  // namespace
}  // namespace plan_command

Result<CommandPlan> plan_for_command(const std::vector<std::string>& argv, const Globals& g,
                                     const std::string& cgroup) {
  return plan::plan_for_command(argv, own_environment(), plan_command::machine_pool(g, cgroup));
}

Command add_plan_command(CLI::App& parent, const Globals& globals) {
  using namespace plan_command;
  auto flags = std::make_shared<PlanFlags>();
  PlanOptions* o = &flags->plan;
  CLI::App* cmd = parent.add_subcommand(
      "plan",
      "Will the model fit? The engine's own arithmetic (weights measured from the safetensors "
      "headers or the GGUF tensor table, KV per token from the architecture), the allocations "
      "outside its budget as labelled estimates, a verdict and the flags to use. `headroom plan "
      "[OPTIONS] -- CMD…` reads the engine, model and flags from the server's command line. "
      "Exit 0 fits, 1 does not fit or leaves too little headroom, 2 bad input.");
  cmd->add_option("--model", o->model,
                  "A Hugging Face model directory (config.json, *.safetensors) or a .gguf file "
                  "(or the server's command after --: headroom plan -- docker run … "
                  "vllm/vllm-openai MODEL --gpu-memory-utilization 0.8)");
  cmd->add_option("--draft-model", o->draft_model, "An EAGLE or standalone draft model, likewise");
  cmd->add_option("--engine", o->engine,
                  "sglang (default), vllm, llamacpp or ollama (--model NAME:TAG from Ollama's "
                  "store, or a GGUF)");
  cmd->add_option("--context-length", o->context_length,
                  "Tokens one request may use (default: the model's maximum)");
  cmd->add_option("--kv-cache-dtype", o->kv_cache_dtype,
                  "auto (default: the model's dtype; f16 for llama.cpp), fp8_e4m3, fp8_e5m2, bf16, "
                  "fp16, or llama.cpp's q8_0, q4_0…");
  cmd->add_option("--tp", o->tp, "Tensor parallel size (default 1: one GB10)");
  cmd->add_option("--page-size", o->page_size,
                  "KV page size in tokens (default: SGLang 1, vLLM 16)");
  cmd->add_option("--mem-fraction-static", o->mem_fraction_static,
                  "SGLang's fraction (default: SGLang's own default for the pool, shown as such)");
  cmd->add_option("--gpu-memory-utilization", o->gpu_memory_utilization,
                  "vLLM's utilization (default 0.9, vLLM's)");
  cmd->add_option("--pool", o->pool, "The memory the GPU sees, e.g. 121G (default: this machine)");
  cmd->add_option("--cgroup", flags->cgroup,
                  "The memory cgroup that bounds the pool (default self)");
  cmd->add_option("--machine", o->machine,
                  "A preset: gb10 (DGX Spark: 121.69 GiB seen by CUDA, 111.5 GiB free before "
                  "loading assumed)");
  cmd->add_option("--free-before", o->free_before,
                  "What the engine will see free before it loads, e.g. 102G (default: the "
                  "preset's, --pool's, or this machine's MemAvailable now)");
  cmd->add_option("--parallel", o->parallel,
                  "llama.cpp: slots, 1 to 4096 (-np; default llama-server's auto: 4 sharing one "
                  "cache)")
      ->type_name("N")
      ->check(CLI::Range(uint64_t{1}, uint64_t{4096}).description(""));
  cmd->add_option("--ubatch", o->ubatch,
                  "llama.cpp: the micro-batch, 1 to 1048576 tokens (-ub; default 512; Ollama's by "
                  "its context)")
      ->type_name("N")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 20).description(""));
  cmd->add_option("--chunked-prefill-size", o->chunked_prefill_size,
                  "SGLang: its prefill chunk (default SGLang's for the GPU's memory: 8192 on a "
                  "GB10, 2048 below 35 GiB)");
  cmd->add_option("--cuda-graph-max-bs", o->cuda_graph_max_bs,
                  "SGLang: its CUDA graphs' largest batch (default SGLang's: 256 on a GB10)");
  cmd->add_option("--speculative-tokens", o->speculative_tokens,
                  "vLLM: speculative tokens per step (MTP: the model's MTP layers are cached too, "
                  "and a hybrid's state keeps them)");
  cmd->add_option("--max-num-batched-tokens", o->max_num_batched_tokens,
                  "vLLM: tokens in its profile run's batch (default vLLM's: 8192 on a GPU of 70 "
                  "GiB or more, else 2048)");
  cmd->add_option("--max-num-seqs", o->max_num_seqs,
                  "vLLM: sequences in its profile's sampler run (default 1024, or 256 below 70 "
                  "GiB)");
  cmd->add_option("--flash-attn", o->flash_attn,
                  "llama.cpp: flash attention (-fa; default on, llama.cpp's auto on a GPU; off "
                  "keeps one layer's attention scores in the compute buffer)")
      ->type_name("on|off")
      ->check(CLI::IsMember({"on", "off"}).description(""));
  cmd->add_option("--engine-version", o->engine_version,
                  "The engine's release, e.g. 0.10 (default: the current one; read from the "
                  "image's tag after --). vLLM before 0.17 samples with torch.sort in its profile "
                  "run; before 0.21 its CUDA graphs are beside the budget")
      ->type_name("MAJOR.MINOR");
  cmd->add_flag("--kv-unified", o->kv_unified,
                "llama.cpp: the slots share one cache (--kv-unified; the default with auto -np)");
  cmd->add_option("--os-reserve", o->os_reserve,
                  "What must stay available once the server runs, for the OS's growth, page "
                  "cache and allocation bursts (default 16G: on GB10, 9 GiB left crashed during "
                  "warm-up, 22 GiB worked)");
  cmd->add_flag("--json", flags->json, "One JSON object with every number");
  return Command{cmd, [flags, &globals, cmd] {
                   return run_plan(*flags, globals,
                                   [cmd](const char* flag) { return cmd->count(flag) > 0; });
                 }};
}

}  // namespace headroom
