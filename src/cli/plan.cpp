// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// headroom plan --model PATH: will it fit, with the engine's own arithmetic (src/plan), and the
// flags to use. Exit 0 fits, 1 does not fit or leaves too little headroom, 2 bad input.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "cli/plan.h"

#include "cli/common.h"
#include "cli/console.h"
#include "core/sample.h"
#include "core/size.h"
#include "core/text.h"
#include "plan/command_line.h"
#include "plan/planner.h"
#include "probe/fs.h"
#include "probe/memory_source.h"
#include "probe/pagecache.h"

namespace headroom {
// A named namespace, so that its using-directive stays here in a unity build of src/cli.
namespace plan_command {
namespace {

using namespace headroom::plan;

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
  std::string cgroup = "self";
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
  bool json = false;
};

std::string gib(uint64_t b) {
  return fmt::format("{:.2f} GiB", static_cast<double>(b) / kGiB);
}

std::string thousands(uint64_t v) {
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

// A Hugging Face id ("org/name") in the hub cache: refs/main's snapshot, else the only one.
std::optional<std::string> hf_snapshot(const std::string& hub, const std::string& id) {
  namespace fs = std::filesystem;
  const size_t slash = id.find('/');
  if (slash == std::string::npos || id.find('/', slash + 1) != std::string::npos) return {};
  const fs::path repo =
      fs::path(hub) / ("models--" + id.substr(0, slash) + "--" + id.substr(slash + 1));
  std::error_code ec;
  if (auto ref = read_file((repo / "refs" / "main").string())) {
    const std::string hash(trim(*ref));
    if (!hash.empty() && hash.find('/') == std::string::npos && hash != ".." &&
        fs::is_directory(repo / "snapshots" / hash, ec)) {
      return (repo / "snapshots" / hash).string();
    }
  }
  std::vector<fs::path> snapshots;
  for (const auto& e : fs::directory_iterator(repo / "snapshots", ec))
    if (e.is_directory(ec)) snapshots.push_back(e.path());
  if (snapshots.size() == 1) return snapshots[0].string();
  return {};
}

// Where the model a server command names is on this machine: through the container's bind
// mounts, as given, or as a Hugging Face id in the hub cache (a mounted one, HF_HOME, ~/.cache).
Result<std::string> locate_model(const ServerFlags& f, std::string& how) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::string> looked;
  if (f.in_container) {
    if (auto h = host_path(f.mounts, f.model)) {
      if (fs::exists(*h, ec)) {
        how = fmt::format("{} in the container is {} here (its bind mount)", f.model, *h);
        return *h;
      }
      looked.push_back(*h);
    }
  } else if (fs::exists(f.model, ec)) {
    return f.model;
  } else {
    looked.push_back(f.model);
  }
  std::vector<std::string> hubs;
  for (const Mount& m : f.mounts) {
    if (m.container.ends_with("/huggingface") || m.container.ends_with("/huggingface/")) {
      hubs.push_back(m.host + "/hub");
    }
    if (m.container.ends_with("/hub") || m.container.ends_with("/hub/")) hubs.push_back(m.host);
  }
  for (const std::string& e : f.env) {
    if (e.starts_with("HF_HOME=")) {
      if (auto h = host_path(f.mounts, e.substr(8))) hubs.push_back(*h + "/hub");
    }
  }
  if (const char* home = std::getenv("HF_HOME"); home != nullptr && *home != '\0') {
    hubs.push_back(std::string(home) + "/hub");
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    hubs.push_back(std::string(home) + "/.cache/huggingface/hub");
  }
  for (const std::string& hub : hubs) {
    if (auto snap = hf_snapshot(hub, f.model)) {
      how = fmt::format("{} from the Hugging Face cache: {}", f.model, *snap);
      return *snap;
    }
    looked.push_back(hub + " (Hugging Face cache)");
  }
  std::string where;
  for (const std::string& l : looked)
    where += (where.empty() ? "" : ", ") + l;
  return make_error(
      fmt::format("the command's model {} is not on this machine (looked at {}): "
                  "give --model PATH",
                  f.model, where.empty() ? "nothing" : where));
}

// An Ollama model by its name (qwen3:8b, library/gemma3, hf.co/org/repo:tag): the GGUF blob its
// manifest names, in $OLLAMA_MODELS, ~/.ollama/models or the service's
// /usr/share/ollama/.ollama/models.
Result<std::string> ollama_blob(const std::string& name) {
  namespace fs = std::filesystem;
  std::string repo = name, tag = "latest";
  if (const size_t colon = name.rfind(':');
      colon != std::string::npos && name.find('/', colon) == std::string::npos) {
    repo = name.substr(0, colon);
    tag = name.substr(colon + 1);
  }
  const size_t slashes = static_cast<size_t>(std::count(repo.begin(), repo.end(), '/'));
  const std::string path = slashes == 0   ? "registry.ollama.ai/library/" + repo
                           : slashes == 1 ? "registry.ollama.ai/" + repo
                                          : repo;
  std::vector<std::string> stores;
  if (const char* m = std::getenv("OLLAMA_MODELS"); m != nullptr && *m != '\0') stores.push_back(m);
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    stores.push_back(std::string(home) + "/.ollama/models");
  }
  stores.push_back("/usr/share/ollama/.ollama/models");
  std::string looked;
  for (const std::string& store : stores) {
    const fs::path manifest = fs::path(store) / "manifests" / path / tag;
    looked += (looked.empty() ? "" : ", ") + manifest.string();
    const auto text = read_file(manifest.string());
    if (!text) continue;
    nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.contains("layers") || !j["layers"].is_array()) {
      return make_error(fmt::format("{}: not an Ollama manifest (no layers)", manifest.string()));
    }
    for (const auto& layer : j["layers"]) {
      if (!layer.is_object() ||
          layer.value("mediaType", "") != "application/vnd.ollama.image.model") {
        continue;
      }
      std::string digest = layer.value("digest", "");
      if (!digest.starts_with("sha256:") || digest.find('/') != std::string::npos) break;
      digest[6] = '-';  // blobs are named sha256-HEX
      return (fs::path(store) / "blobs" / digest).string();
    }
    return make_error(fmt::format("{}: names no model layer", manifest.string()));
  }
  return make_error(
      fmt::format("Ollama model {} not found (looked at {}): give --model with "
                  "its GGUF, or set OLLAMA_MODELS",
                  name, looked));
}

// Everything a plan needs, read and checked: the options with what the server's command line
// (after --) gives, the model, the pool; then the plan itself.
struct Computed {
  PlanOptions o;
  Engine engine = Engine::sglang;
  Model model;
  PlanInput in;
  Plan plan;
  std::string pool_label, from_command;
};

Result<Computed> compute_plan(const PlanOptions& given, const Globals& g,
                              const std::function<bool(const char*)>& set) {
  Computed c;
  PlanOptions& o = c.o;
  o = given;
  std::string& from_command = c.from_command;
  if (!g.after_dashes.empty()) {
    // headroom plan -- docker run … vllm/vllm-openai MODEL --gpu-memory-utilization 0.8: the
    // engine, model and flags from the server's own line; flags given to plan win.
    auto f = read_server_command(g.after_dashes, own_environment());
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
    if (!set("--engine")) o.engine = std::string(engine_name(f->engine));
    if (!set("--mem-fraction-static") && !set("--gpu-memory-utilization") && f->fraction) {
      (f->engine == Engine::vllm ? o.gpu_memory_utilization : o.mem_fraction_static) = f->fraction;
    }
    if (!set("--context-length") && f->context_length) o.context_length = *f->context_length;
    if (!set("--tp") && f->tp) o.tp = *f->tp;
    if (!set("--page-size") && f->page_size) o.page_size = *f->page_size;
    if (!set("--kv-cache-dtype") && f->kv_cache_dtype) o.kv_cache_dtype = *f->kv_cache_dtype;
    if (!set("--parallel") && f->parallel) o.parallel = f->parallel;
    if (!set("--ubatch") && f->ubatch) o.ubatch = *f->ubatch;
    if (!set("--kv-unified")) o.kv_unified = f->kv_unified;
    if (!set("--flash-attn") && f->flash_attention)
      o.flash_attn = *f->flash_attention ? "on" : "off";
    if (!set("--engine-version") && f->engine_version) {
      o.engine_version = fmt::format("{}.{}", f->engine_version->first, f->engine_version->second);
    }
    if (!set("--max-num-batched-tokens") && f->max_num_batched_tokens) {
      o.max_num_batched_tokens = *f->max_num_batched_tokens;
    }
    if (!set("--max-num-seqs") && f->max_num_seqs) o.max_num_seqs = *f->max_num_seqs;
    if (!set("--speculative-tokens") && f->speculative_tokens) {
      o.speculative_tokens = *f->speculative_tokens;
    }
    if (!set("--chunked-prefill-size") && f->chunked_prefill_size) {
      o.chunked_prefill_size = *f->chunked_prefill_size;
    }
    if (!set("--cuda-graph-max-bs") && f->cuda_graph_max_bs) {
      o.cuda_graph_max_bs = *f->cuda_graph_max_bs;
    }
    if (!set("--draft-model") && f->draft_model) {
      ServerFlags draft = *f;
      draft.model = *f->draft_model;
      std::string draft_how;
      if (auto path = locate_model(draft, draft_how)) o.draft_model = *path;
    }
    std::string read;
    for (const std::string& r : f->read)
      read += (read.empty() ? "" : ", ") + r;
    from_command = fmt::format("{}{}{}", f->engine_name, read.empty() ? "" : ": " + read,
                               how.empty() ? "" : "; " + how);
  }
  if (o.model.empty()) return make_error("--model PATH, or the server's command after --");
  const auto engine = parse_engine(o.engine);
  if (!engine) return make_error("--engine must be sglang, vllm, llamacpp or ollama");
  if (o.mem_fraction_static && o.gpu_memory_utilization) {
    return make_error("give --mem-fraction-static (SGLang) or --gpu-memory-utilization (vLLM)");
  }
  std::optional<double> fraction =
      o.mem_fraction_static ? o.mem_fraction_static : o.gpu_memory_utilization;
  if (fraction && (*fraction <= 0 || *fraction > 1))
    return make_error("a fraction is between 0 and 1");
  if (o.gpu_memory_utilization && *engine != Engine::vllm) {
    return make_error("--gpu-memory-utilization is vLLM's flag (use --engine vllm)");
  }
  if (o.mem_fraction_static && *engine != Engine::sglang) {
    return make_error("--mem-fraction-static is SGLang's flag (use --engine sglang)");
  }
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
  in.fraction = fraction;
  if (!o.draft_model.empty()) {
    auto draft = load_model(o.draft_model);
    if (!draft) return make_error(draft.error().message);
    in.draft = std::move(*draft);
  }

  // The pool.
  std::string& pool_label = c.pool_label;
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
    auto src = SystemMemorySource::open(g.fs_root(), o.cgroup);
    if (!src) return make_error(src.error().message);
    Sample s;
    if (Status st = (*src)->read(s); !st) return make_error(st.error().message);
    const PoolView pool = pool_view(s);
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
                                    o.free_before, gib(in.pool_total)));
    }
    in.pool_available = *size;
    pool_label += "; free before loading from --free-before";
  }
  // llama-server's slots: -np auto is 4 slots sharing one cache (FIELD.md section 6).
  // Ollama: OLLAMA_NUM_PARALLEL, 1 unless set, one cache per slot (it passes -np itself).
  const bool ollama = *engine == Engine::ollama;
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
  auto plan = make_plan(*model, in);
  if (!plan) return plan.error();
  c.plan = std::move(*plan);
  c.engine = *engine;
  c.model = std::move(*model);
  return c;
}

int run_plan(const PlanOptions& given, const Globals& g,
             const std::function<bool(const char*)>& set) {
  Console console;
  auto computed = compute_plan(given, g, set);
  if (!computed) return console.fail(computed.error().message);
  const PlanOptions& o = computed->o;
  const std::optional<Engine> engine = computed->engine;
  const Model* model = &computed->model;
  const PlanInput& in = computed->in;
  const std::string& pool_label = computed->pool_label;
  const std::string& from_command = computed->from_command;
  const Plan& p = computed->plan;
  const Architecture& a = model->arch;

  // Page cache held by the model's files now.
  uint64_t cached = 0;
  uint64_t file_bytes = 0;
  if (auto res = residency_of(model->files)) {
    for (const Residency& r : *res) {
      cached += r.resident_bytes();
      file_bytes += r.size;
    }
  }
  const bool llama = *engine == Engine::llamacpp || *engine == Engine::ollama;
  const std::string flag_value =
      llama ? std::to_string(p.context_length / p.slots) : fmt::format("{:.2f}", p.fraction);
  const std::string wait_flag = fmt::format("{}G", p.wait_free_bytes / kGiB);

  if (o.json) {
    nlohmann::ordered_json outside = nlohmann::ordered_json::array();
    for (const Amount& x : p.outside) {
      outside.push_back({{"label", x.label}, {"bytes", x.bytes}, {"source", x.source}});
    }
    nlohmann::ordered_json j = {
        {"version", kJsonVersion},
        {"model",
         {{"path", model->path},
          {"format", model->format},
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
          {"weight_bytes", model->weight_bytes},
          {"weights_by_dtype", model->weights_by_dtype},
          {"files", model->files.size()}}},
        {"engine", engine_name(*engine)},
        {"from_command", from_command},
        {"tp", o.tp},
        {"context_length", p.context_length},
        {"kv_cache_dtype", o.kv_cache_dtype},
        {"kv_dtype_bytes", p.kv_dtype_bytes},
        {"pool",
         {{"total_bytes", p.pool_total},
          {"available_bytes", p.pool_available},
          {"source", pool_label}}},
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
        {"engine_flag", p.engine_flag + (p.engine_flag.ends_with("=") ? "" : " ") + flag_value},
        {"wait_free_bytes", p.wait_free_bytes},
        {"wait_flag", "--free " + wait_flag},
        {"page_cache", {{"model_file_bytes", file_bytes}, {"cached_bytes", cached}}},
        {"notes", p.notes}};
    console.line(j.dump());
    return p.verdict == Verdict::fits ? 0 : 1;
  }

  auto row = [&](std::string_view k, const std::string& v) {
    console.line(fmt::format("{:<13}{}", k, v));
  };
  std::string dtypes;
  for (const auto& [d, b] : model->weights_by_dtype) {
    dtypes += fmt::format("{}{} {}", dtypes.empty() ? "" : ", ", d, gib(b));
  }
  row("model",
      fmt::format(
          "{} ({}, {} file{}): {}{}, {} layers, {} heads, {} KV heads x {}{}", model->path,
          model->format, model->files.size(), model->files.size() == 1 ? "" : "s",
          a.name.empty() ? a.model_type : a.name,
          a.experts > 0 ? fmt::format(" ({} experts, {} active)", a.experts, a.experts_per_token)
                        : "",
          a.layers, a.heads, a.kv_heads, a.head_dim,
          a.mla ? fmt::format(", MLA rank {} + rope {}", a.kv_lora_rank, a.qk_rope_head_dim) : ""));
  row("weights", fmt::format("{} ({}){}", gib(model->weight_bytes), dtypes,
                             o.tp > 1 ? fmt::format(", {} per rank", gib(p.weights)) : ""));
  if (in.draft)
    row("draft", fmt::format("{}, {} layers", gib(p.draft_weights), in.draft->arch.layers));
  if (!from_command.empty()) row("command", from_command);
  row("engine",
      fmt::format("{}, tp {}, context {} tokens, KV cache {} ({} bytes)", engine_name(*engine),
                  o.tp, thousands(p.context_length), o.kv_cache_dtype, p.kv_dtype_bytes));
  row("pool", fmt::format("{} total, {} available before the start ({})", gib(p.pool_total),
                          gib(p.pool_available), pool_label));
  row("KV / token",
      fmt::format("{} bytes = {}", thousands(p.kv_bytes_per_token), kv_formula(a, p, o.tp)));
  if (!llama) {
    row(*engine == Engine::sglang ? "fraction" : "utilization",
        fmt::format("{:.2f}{}", p.fraction,
                    p.fraction_is_default ? " (unset: " + p.fraction_note + ")" : " (given)"));
    row("KV pool",
        *engine == Engine::sglang
            ? fmt::format("{} = {} x {:.2f} - {} weights", gib(p.kv_pool_bytes),
                          gib(p.pool_available), p.fraction, gib(p.weights + p.draft_weights))
            : fmt::format("{} = ceil({} x {:.2f}) - weights - estimates", gib(p.kv_pool_bytes),
                          gib(p.pool_total), p.fraction));
    row("KV tokens", fmt::format("{}: {} request{} at the full context", thousands(p.kv_tokens),
                                 p.max_requests, p.max_requests == 1 ? "" : "s"));
  } else {
    row("KV cache",
        fmt::format("{} for {} tokens", gib(p.kv_pool_bytes), thousands(p.context_length)));
  }
  for (const Amount& x : p.outside)
    row("outside", fmt::format("{} {} ({})", gib(x.bytes), x.label, x.source));
  row("server", fmt::format("{} in all", gib(p.server_bytes)));
  row("left", fmt::format("{} still available once it runs, for the OS's growth, page cache "
                          "and bursts (reserve {})",
                          gib(p.left_bytes), gib(p.os_reserve)));
  row("verdict",
      fmt::format("{}: {}{}", verdict_name(p.verdict), p.reason,
                  p.shortfall > 0 ? fmt::format(" (short by {})", gib(p.shortfall)) : ""));
  if (llama) {
    row("safe max", p.max_safe_context > 0
                        ? fmt::format("{}{} leaves the {} reserve",
                                      *engine == Engine::ollama ? "OLLAMA_CONTEXT_LENGTH=" : "-c ",
                                      p.max_safe_context / p.slots, gib(p.os_reserve))
                        : "no context length leaves the reserve");
  } else {
    row("safe max", p.max_safe_fraction > 0
                        ? fmt::format("{} {:.2f} leaves the {} reserve", p.engine_flag,
                                      p.max_safe_fraction, gib(p.os_reserve))
                        : "no fraction leaves the reserve");
  }
  row("use", fmt::format("{}{}{}; gate: headroom wait --free {}", p.engine_flag,
                         p.engine_flag.ends_with("=") ? "" : " ", flag_value, wait_flag));
  if (file_bytes > 0) {
    row("page cache",
        fmt::format(
            "{} of the model's {} cached now{}", format_bytes(cached), gib(file_bytes),
            cached < kGiB / 4 ? std::string()
            : llama
                // llama.cpp may map the GGUF: evicting before the start forces a cold read;
                // once loaded with a full offload the mapping is gone (core/engines.h).
                ? fmt::format("; llama.cpp may map it: evict once the server is ready "
                              "(headroom run --evict {} --evict-when ready), not before the start",
                              model->path)
                : fmt::format("; CUDA on unified memory does not count it as free: "
                              "`headroom cache --evict {}` before the start (headroom run "
                              "--evict does it before every start)",
                              model->path)));
  }
  for (const std::string& n : p.notes)
    row("note", n);
  return p.verdict == Verdict::fits ? 0 : 1;
}

}  // namespace
}  // namespace plan_command

Result<CommandPlan> plan_for_command(const std::vector<std::string>& argv, const Globals& g,
                                     const std::string& cgroup) {
  plan_command::PlanOptions o;
  o.cgroup = cgroup;
  Globals with = g;
  with.after_dashes = argv;
  auto c = plan_command::compute_plan(o, with, [](const char*) { return false; });
  if (!c) return c.error();
  return CommandPlan{c->plan.wait_free_bytes, c->from_command};
}

Command add_plan_command(CLI::App& parent, const Globals& globals) {
  using namespace plan_command;
  auto o = std::make_shared<PlanOptions>();
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
  cmd->add_option("--cgroup", o->cgroup, "The memory cgroup that bounds the pool (default self)");
  cmd->add_option("--machine", o->machine,
                  "A preset: gb10 (DGX Spark: 121.69 GiB seen by CUDA, 111.5 GiB free before "
                  "loading assumed)");
  cmd->add_option("--free-before", o->free_before,
                  "What the engine will see free before it loads, e.g. 102G (default: the "
                  "preset's, --pool's, or this machine's MemAvailable now)");
  cmd->add_option("--parallel", o->parallel,
                  "llama.cpp: slots (-np; default llama-server's auto: 4 sharing one cache)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{4096}));
  cmd->add_option("--ubatch", o->ubatch,
                  "llama.cpp: the micro-batch (-ub; default 512; Ollama's by its context)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 20));
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
      ->check(CLI::IsMember({"on", "off"}));
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
  cmd->add_flag("--json", o->json, "One JSON object with every number");
  return Command{cmd, [o, &globals, cmd] {
                   return run_plan(*o, globals,
                                   [cmd](const char* flag) { return cmd->count(flag) > 0; });
                 }};
}

}  // namespace headroom
