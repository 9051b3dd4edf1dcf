// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "plan/command_line.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/docker_cli.h"
#include "core/engines.h"
#include "core/text.h"

namespace headroom::plan {
namespace {

bool present(const std::vector<std::string>& args, std::initializer_list<std::string_view> names) {
  for (const std::string& a : args) {
    for (std::string_view n : names)
      if (a == n || (a.size() > n.size() && a.starts_with(n) && a[n.size()] == '=')) return true;
  }
  return false;
}

// Bind mounts of a docker run line: -v SRC:DST[:opts] with an absolute SRC (a named volume is
// not a path here), --mount type=bind,source=…,target=….
std::vector<Mount> mounts_of(const DockerRunLine& run) {
  std::vector<Mount> out;
  for (const std::string& v : run.values("--volume")) {
    const size_t c1 = v.find(':');
    if (c1 == std::string::npos || v.empty() || v[0] != '/') continue;
    const size_t c2 = v.find(':', c1 + 1);
    out.push_back(
        Mount{v.substr(0, c1),
              v.substr(c1 + 1, c2 == std::string::npos ? std::string::npos : c2 - c1 - 1)});
  }
  for (const std::string& m : run.values("--mount")) {
    std::string type, src, dst;
    for (std::string_view rest = m; !rest.empty();) {
      const size_t comma = std::min(rest.find(','), rest.size());
      const std::string_view kv = rest.substr(0, comma);
      const size_t eq = kv.find('=');
      const std::string_view k = kv.substr(0, eq);
      const std::string v(eq == std::string_view::npos ? "" : kv.substr(eq + 1));
      if (k == "type") type = v;
      if (k == "source" || k == "src") src = v;
      if (k == "target" || k == "destination" || k == "dst") dst = v;
      rest.remove_prefix(std::min(comma + 1, rest.size()));
    }
    if ((type.empty() || type == "bind") && !src.empty() && src[0] == '/' && !dst.empty()) {
      out.push_back(Mount{src, dst});
    }
  }
  return out;
}

// The engine headroom plans for: TensorRT-LLM is not modelled.
Result<Engine> plan_engine(EngineId id, const EngineInfo& info) {
  switch (id) {
    case EngineId::kSglang:
      return Engine::sglang;
    case EngineId::kVllm:
      return Engine::vllm;
    case EngineId::kLlamaCpp:
      return Engine::llamacpp;
    case EngineId::kOllama:
      return Engine::ollama;
    case EngineId::kTrtLlm:
      break;
  }
  return make_error(
      fmt::format("after --: {} is not modelled by headroom plan yet (SGLang, vLLM, llama.cpp and "
                  "Ollama are)",
                  info.name));
}

// A docker run line: its bind mounts, its -e, and the engine's release from the image's tag.
void read_docker_run(const std::vector<std::string>& argv, const EngineInfo& info, ServerFlags& f) {
  auto run = parse_docker_run(argv);
  if (!run) return;
  f.mounts = mounts_of(*run);
  f.env = run->values("--env");
  // vllm/vllm-openai:v0.10.1, lmsysorg/sglang:v0.5.6.post2-cu129: the release it runs.
  const size_t slash = run->image.rfind('/');
  const size_t colon = run->image.find(':', slash == std::string::npos ? 0 : slash);
  if (colon != std::string::npos) {
    f.engine_version = parse_engine_version(std::string_view(run->image).substr(colon + 1));
    if (f.engine_version) {
      f.read.push_back(fmt::format("{} {}.{} (the image's tag)", info.name, f.engine_version->first,
                                   f.engine_version->second));
    }
  }
}

// `ollama serve` loads what a request names: the model comes from --model; its settings
// from the environment (the container's -e, or this shell's for a plain command).
void read_ollama_env(ServerFlags& f) {
  for (const std::string& e : f.env) {
    const size_t eq = e.find('=');
    const std::string k = e.substr(0, eq), v = eq == std::string::npos ? "" : e.substr(eq + 1);
    const auto n = parse_decimal(v);
    if (k == "OLLAMA_CONTEXT_LENGTH" && n && *n >= 1) f.context_length = static_cast<uint64_t>(*n);
    if (k == "OLLAMA_NUM_PARALLEL" && n && *n >= 1) f.parallel = static_cast<uint64_t>(*n);
    if (k == "OLLAMA_KV_CACHE_TYPE" && !v.empty()) f.kv_cache_dtype = v;
    if (k.starts_with("OLLAMA_") && (k == "OLLAMA_CONTEXT_LENGTH" || k == "OLLAMA_NUM_PARALLEL" ||
                                     k == "OLLAMA_KV_CACHE_TYPE")) {
      f.read.push_back(e);
    }
  }
}

// The numeric flags of a command line, each taken as read; the first value that is not a
// number is kept as the error, and no flag after it is taken.
struct NumberFlags {
  NumberFlags(const std::vector<std::string>& args, ServerFlags& flags) : a(args), f(flags) {}

  template <class T>
  void take(std::initializer_list<std::string_view> names, std::optional<T>& into) {
    if (bad) return;
    const auto v = flag_value(a, 0, names);
    if (!v) return;
    const auto d = parse_decimal(*v);
    if (!d || *d < 0) {
      bad = fmt::format("after --: {} {} is not a number", *names.begin(), *v);
      return;
    }
    into = static_cast<T>(*d);
    f.read.push_back(fmt::format("{} {}", *names.begin(), *v));
  }

  const std::vector<std::string>& a;
  ServerFlags& f;
  std::optional<std::string> bad;
};

// Each memory flag with the engine's own spelling.
Status read_memory_flags(const std::vector<std::string>& a, ServerFlags& f) {
  NumberFlags n(a, f);
  switch (f.engine) {
    case Engine::sglang:
      n.take({"--mem-fraction-static"}, f.fraction);
      n.take({"--context-length"}, f.context_length);
      n.take({"--tp-size", "--tp", "--tensor-parallel-size"}, f.tp);
      n.take({"--page-size"}, f.page_size);
      if (flag_value(a, 0, {"--chunked-prefill-size"}) == "-1") {
        // Off: SGLang's reserve (and its prefill) then take max_prefill_tokens, 16384.
        f.chunked_prefill_size = 16384;
        f.read.push_back("--chunked-prefill-size -1 (off: max_prefill_tokens 16384)");
      } else {
        n.take({"--chunked-prefill-size"}, f.chunked_prefill_size);
      }
      n.take({"--cuda-graph-max-bs"}, f.cuda_graph_max_bs);
      f.draft_model = flag_value(a, 0, {"--speculative-draft-model-path"});
      break;
    case Engine::vllm:
      n.take({"--gpu-memory-utilization"}, f.fraction);
      n.take({"--max-model-len"}, f.context_length);
      n.take({"--tensor-parallel-size", "-tp"}, f.tp);
      n.take({"--block-size"}, f.page_size);
      n.take({"--max-num-batched-tokens"}, f.max_num_batched_tokens);
      n.take({"--max-num-seqs"}, f.max_num_seqs);
      n.take({"--num-speculative-tokens"}, f.speculative_tokens);
      if (auto sc = flag_value(a, 0, {"--speculative-config"})) {
        // '{"method":"mtp","num_speculative_tokens":2}'
        const auto j = nlohmann::json::parse(*sc, nullptr, false);
        if (!j.is_object() || !j.contains("num_speculative_tokens") ||
            !j["num_speculative_tokens"].is_number_unsigned()) {
          return make_error(fmt::format(
              "after --: --speculative-config {}: no num_speculative_tokens in it", *sc));
        }
        f.speculative_tokens = j["num_speculative_tokens"].get<uint64_t>();
        f.read.push_back(fmt::format("{} speculative tokens", *f.speculative_tokens));
      }
      break;
    case Engine::ollama:
      break;
    case Engine::llamacpp:
      n.take({"--ctx-size", "-c"}, f.context_length);
      n.take({"--parallel", "-np"}, f.parallel);
      n.take({"--ubatch-size", "-ub"}, f.ubatch);
      f.kv_unified = present(a, {"--kv-unified", "-kvu"});
      // -fa on|off|auto (since b6325; auto: on where the backend has it), or a bare -fa (on).
      if (present(a, {"--flash-attn", "-fa"})) {
        const auto v = flag_value(a, 0, {"--flash-attn", "-fa"});
        f.flash_attention = !(v && (*v == "off" || *v == "0" || *v == "false"));
        f.read.push_back(*f.flash_attention ? "flash attention on" : "flash attention off");
      }
      if (auto t = flag_value(a, 0, {"--cache-type-k", "-ctk"})) f.kv_cache_dtype = *t;
      break;
  }
  if (n.bad) return make_error(*n.bad);
  if (f.engine != Engine::llamacpp) {
    if (auto d = flag_value(a, 0, {"--kv-cache-dtype"})) f.kv_cache_dtype = *d;
  }
  if (f.kv_cache_dtype) f.read.push_back("kv cache " + *f.kv_cache_dtype);
  return {};
}

}  // namespace

std::optional<std::string> host_path(const std::vector<Mount>& mounts, std::string_view path) {
  const Mount* best = nullptr;
  for (const Mount& m : mounts) {
    std::string_view dst = m.container;
    while (dst.size() > 1 && dst.back() == '/')
      dst.remove_suffix(1);
    const bool holds =
        path == dst || (path.size() > dst.size() && path.substr(0, dst.size()) == dst &&
                        (path[dst.size()] == '/' || dst == "/"));
    if (holds && (best == nullptr || dst.size() > best->container.size())) best = &m;
  }
  if (best == nullptr) return std::nullopt;
  std::string_view dst = best->container;
  while (dst.size() > 1 && dst.back() == '/')
    dst.remove_suffix(1);
  std::string rest(path.substr(dst == "/" ? 0 : dst.size()));
  std::string host = best->host;
  while (host.size() > 1 && host.back() == '/')
    host.pop_back();
  return rest.empty() ? host : host + (rest[0] == '/' ? "" : "/") + rest;
}

Result<ServerFlags> read_server_command(const std::vector<std::string>& argv,
                                        const std::vector<std::string>& host_env) {
  const auto spec = describe_server(argv);
  if (!spec) {
    return make_error(
        "after --: not a server command headroom knows (python3 -m sglang.launch_server, vllm "
        "serve, llama-server, or a docker run line of their images)");
  }
  ServerFlags f;
  const EngineInfo& info = engine_info(spec->id);
  f.engine_name = std::string(info.name);
  const std::vector<std::string>& a = spec->args;
  const auto engine = plan_engine(spec->id, info);
  if (!engine) return engine.error();
  f.engine = *engine;
  f.in_container = spec->in_container;
  if (spec->in_container) read_docker_run(argv, info, f);
  if (!spec->in_container) f.env = host_env;
  if (f.engine == Engine::ollama) {
    read_ollama_env(f);
    return f;
  }
  std::optional<std::string> model;
  if (f.engine == Engine::sglang) model = flag_value(a, 0, {"--model-path", "--model"});
  if (f.engine == Engine::vllm) {
    model = flag_value(a, 0, {"--model"});
    if (!model && !a.empty() && !a[0].starts_with("-")) model = a[0];  // vllm serve MODEL
  }
  if (f.engine == Engine::llamacpp) model = flag_value(a, 0, {"--model", "-m"});
  if (!model) {
    return make_error(fmt::format("after --: the {} command names no model ({})", info.name,
                                  f.engine == Engine::llamacpp ? "-m FILE.gguf"
                                  : f.engine == Engine::vllm   ? "vllm serve MODEL"
                                                               : "--model-path DIR"));
  }
  f.model = *model;
  if (auto read = read_memory_flags(a, f); !read) return read.error();
  return f;
}

}  // namespace headroom::plan
