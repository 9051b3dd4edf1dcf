// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/engines.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/docker_cli.h"
#include "core/text.h"

namespace headroom {
namespace {

// Sources (docs/field.md, "engines", read from each project's code):
//   SGLang: server_args.py (host 127.0.0.1, port 30000); http_server.py launch_server() binds
//     only after the model is loaded, /health answers 503 until its warmup generation, and on
//     current builds generates one token itself; POST /generate {"text", "sampling_params"}.
//   vLLM: cli_args.py (host None = all, port 8000); api_server.py binds before loading but
//     listens only once loaded; /health reads an error flag (200 on a wedged engine,
//     vllm#39863); /v1/completions with "model" optional (the first served model).
//   llama-server: common.h (127.0.0.1:8080); server.cpp starts HTTP before loading and answers
//     every path 503 {"error":{"message":"Loading model"...}}; POST /completion {"prompt",
//     "n_predict"} (400 '"prompt" must be provided' for another body).
//   Ollama: envconfig (OLLAMA_HOST, 127.0.0.1:11434); GET / "Ollama is running"; models load
//     on the first request naming them; POST /api/generate needs a pulled model (404 otherwise).
//   trtllm-serve: commands/serve.py (localhost:8000); /health; /v1/completions needs "model".
const std::vector<EngineInfo> kEngines = {
    {EngineId::kSglang, "sglang", "SGLang", "127.0.0.1", 30000, "--host", "--port", "/health",
     "/generate", R"({"text":"hi","sampling_params":{"max_new_tokens":1}})", false,
     Loading::kRefuses, Weights::kCopied, "The server is fired up and ready to roll!",
     "503 until its warmup generation succeeds; on current builds /health itself generates one "
     "token (at least 1 s)"},
    {EngineId::kVllm, "vllm", "vLLM", "0.0.0.0", 8000, "--host", "--port", "/health",
     "/v1/completions", R"({"prompt":"hi","max_tokens":1})", false, Loading::kRefuses,
     Weights::kCopied, "Application startup complete.",
     "reads an error flag and generates nothing: it answers 200 on a wedged engine, so give the "
     "generation probe too"},
    {EngineId::kLlamaCpp, "llamacpp", "llama.cpp", "127.0.0.1", 8080, "--host", "--port", "/health",
     "/completion", R"({"prompt":"hi","n_predict":1})", false, Loading::kAnswers503,
     Weights::kMaybeMapped, "server is listening on",
     "503 while loading, then 200 {\"status\":\"ok\"}; it generates nothing"},
    {EngineId::kOllama, "ollama", "Ollama", "127.0.0.1", 11434, "", "", "/", "/api/generate",
     R"({"model":"{model}","prompt":"hi","stream":false,"options":{"num_predict":1}})", true,
     Loading::kLazy, Weights::kMaybeMapped, "Listening on",
     "answers \"Ollama is running\" at once: it says nothing of a model, which loads on the first "
     "request naming it (a generation probe then keeps it loaded)"},
    {EngineId::kTrtLlm, "trtllm", "TensorRT-LLM", "localhost", 8000, "--host", "--port", "/health",
     "/v1/completions", R"({"model":"{model}","prompt":"hi","max_tokens":1})", true,
     Loading::kRefuses, Weights::kCopied, "Application startup complete.",
     "a plain 200 once up; /health_generate generates"},
};

// Images whose Dockerfiles were read (docs/field.md, "engines"). Entrypoints that are the server
// take only its flags after the image; the others need the command.
const std::vector<ImageInfo> kImages = {
    {"vllm/vllm-openai", EngineId::kVllm, true, "vllm serve", "", "",
     "vllm docker/Dockerfile: ENTRYPOINT [\"vllm\", \"serve\"] (older: python3 -m "
     "vllm.entrypoints.openai.api_server)"},
    {"lmsysorg/sglang", EngineId::kSglang, false, "", "", "",
     "sglang docker/Dockerfile: no ENTRYPOINT or CMD"},
    {"ghcr.io/ggml-org/llama.cpp", EngineId::kLlamaCpp, true, "/app/llama-server", "", "0.0.0.0",
     "llama.cpp .devops/cuda.Dockerfile (server target): ENTRYPOINT [\"/app/llama-server\"], ENV "
     "LLAMA_ARG_HOST=0.0.0.0"},
    {"ollama/ollama", EngineId::kOllama, true, "/bin/ollama", "serve", "0.0.0.0",
     "ollama Dockerfile: ENTRYPOINT [\"/bin/ollama\"], CMD [\"serve\"], ENV "
     "OLLAMA_HOST=0.0.0.0:11434"},
    {"nvcr.io/nvidia/vllm", EngineId::kVllm, false, "", "", "",
     "NVIDIA's DGX Spark playbook runs `nvcr.io/nvidia/vllm:TAG vllm serve MODEL`"},
    {"nvcr.io/nvidia/tensorrt-llm/release", EngineId::kTrtLlm, false, "", "", "",
     "NVIDIA's DGX Spark playbook runs trtllm-serve as the command"},
    {"dustynv/vllm", EngineId::kVllm, false, "", "", "", "jetson-containers: no ENTRYPOINT"},
    {"dustynv/sglang", EngineId::kSglang, false, "", "", "", "jetson-containers: no ENTRYPOINT"},
    {"dustynv/llama_cpp", EngineId::kLlamaCpp, false, "", "", "",
     "jetson-containers: no ENTRYPOINT"},
};

bool is_python(std::string_view prog) {
  const std::string_view b = path_basename(prog);
  return b == "python" || b.rfind("python3", 0) == 0;
}

// The value of --flag VALUE or --flag=VALUE (the last one), or of -f VALUE for a short alias.
}  // namespace

std::optional<std::string> flag_value(const std::vector<std::string>& args, size_t first,
                                      std::initializer_list<std::string_view> names) {
  std::optional<std::string> out;
  for (size_t i = first; i < args.size(); ++i) {
    const std::string& a = args[i];
    for (std::string_view n : names) {
      if (a == n && i + 1 < args.size()) {
        out = args[i + 1];
      } else if (a.size() > n.size() && a.compare(0, n.size(), n) == 0 && a[n.size()] == '=') {
        out = a.substr(n.size() + 1);
      }
    }
  }
  return out;
}

const std::vector<EngineInfo>& all_engines() {
  return kEngines;
}

const EngineInfo& engine_info(EngineId id) {
  for (const EngineInfo& e : kEngines) {
    if (e.id == id) return e;
  }
  return kEngines.front();
}

std::optional<EngineId> parse_engine_key(std::string_view key) {
  for (const EngineInfo& e : kEngines) {
    if (e.key == key) return e.id;
  }
  if (key == "llama.cpp" || key == "llama-server") return EngineId::kLlamaCpp;
  return std::nullopt;
}

std::optional<EngineCall> find_engine(const std::vector<std::string>& argv) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string_view prog = path_basename(argv[i]);
    const bool serve = i + 1 < argv.size() && argv[i + 1] == "serve";
    if (prog == "sglang" && serve) return EngineCall{EngineId::kSglang, i + 2};
    if (prog == "vllm" && serve) return EngineCall{EngineId::kVllm, i + 2};
    if (prog == "ollama" && serve) return EngineCall{EngineId::kOllama, i + 2};
    if (prog == "llama-server") return EngineCall{EngineId::kLlamaCpp, i + 1};
    if (prog == "trtllm-serve") {
      return EngineCall{EngineId::kTrtLlm, serve ? i + 2 : i + 1};
    }
    // python3 -m sglang.launch_server, also behind uv run / conda run and python's own flags.
    if (argv[i] == "-m" && i + 1 < argv.size() &&
        (i == 0 || is_python(argv[i - 1]) || argv[i - 1].rfind("-", 0) == 0)) {
      const std::string& mod = argv[i + 1];
      if (mod == "sglang.launch_server") return EngineCall{EngineId::kSglang, i + 2};
      if (mod == "vllm.entrypoints.openai.api_server") return EngineCall{EngineId::kVllm, i + 2};
    }
  }
  return std::nullopt;
}

std::string image_repository(std::string_view image) {
  std::string_view s = image;
  if (const size_t at = s.find('@'); at != std::string_view::npos) s = s.substr(0, at);
  // A tag is after the last ':' that follows the last '/' (a registry's port comes before it).
  const size_t slash = s.rfind('/');
  const size_t colon = s.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    s = s.substr(0, colon);
  }
  for (std::string_view prefix : {"docker.io/library/", "docker.io/", "index.docker.io/"}) {
    if (s.rfind(prefix, 0) == 0) s.remove_prefix(prefix.size());
  }
  return std::string(s);
}

const ImageInfo* find_image(std::string_view image) {
  const std::string repo = image_repository(image);
  for (const ImageInfo& i : kImages) {
    if (repo == i.repository) return &i;
  }
  return nullptr;
}

std::vector<std::string> image_command(const ImageInfo& image,
                                       const std::vector<std::string>& after_image) {
  std::vector<std::string> out;
  const auto words = [&](std::string_view s) {
    for (std::string_view w = next_word(s); !w.empty(); w = next_word(s))
      out.emplace_back(w);
  };
  words(image.entrypoint);
  if (after_image.empty()) {
    words(image.default_cmd);
  } else {
    out.insert(out.end(), after_image.begin(), after_image.end());
  }
  return out;
}

std::string Endpoint::probe_host() const {
  if (host.empty() || host == "0.0.0.0" || host == "::" || host == "[::]" || host == "localhost") {
    return "127.0.0.1";
  }
  return host;
}

std::optional<std::string_view> env_value(const std::vector<std::string>& env,
                                          std::string_view key) {
  std::optional<std::string_view> out;
  for (const std::string& kv : env) {
    if (kv.size() > key.size() && kv.compare(0, key.size(), key) == 0 && kv[key.size()] == '=') {
      out = std::string_view(kv).substr(key.size() + 1);
    }
  }
  return out;
}

Endpoint engine_endpoint(const EngineInfo& e, const std::vector<std::string>& args,
                         size_t first_arg, const std::vector<std::string>& env) {
  Endpoint out{std::string(e.default_host), e.default_port};
  auto set_port = [&](std::string_view p) {
    if (auto n = parse_u64(p); n && *n > 0 && *n < 65536) out.port = static_cast<uint16_t>(*n);
  };
  if (e.id == EngineId::kOllama) {
    // OLLAMA_HOST: "host", "host:port", "http://host:port" (envconfig.Host()).
    if (auto v = env_value(env, "OLLAMA_HOST"); v && !v->empty()) {
      std::string_view h = *v;
      if (const size_t scheme = h.find("://"); scheme != std::string_view::npos) {
        h.remove_prefix(scheme + 3);
      }
      if (const size_t colon = h.rfind(':'); colon != std::string_view::npos) {
        set_port(h.substr(colon + 1));
        h = h.substr(0, colon);
      }
      if (!h.empty()) out.host = std::string(h);
    }
  }
  if (e.id == EngineId::kLlamaCpp) {
    if (auto v = env_value(env, "LLAMA_ARG_HOST"); v && !v->empty()) out.host = std::string(*v);
    if (auto v = env_value(env, "LLAMA_ARG_PORT")) set_port(*v);
  }
  if (!e.host_flag.empty()) {
    if (auto h = flag_value(args, first_arg, {e.host_flag})) out.host = *h;
  }
  if (!e.port_flag.empty()) {
    if (auto p = flag_value(args, first_arg, {e.port_flag})) set_port(*p);
  }
  return out;
}

std::optional<std::string> engine_model(const EngineInfo& e, const std::vector<std::string>& args,
                                        size_t first_arg) {
  switch (e.id) {
    case EngineId::kSglang:
      return flag_value(args, first_arg, {"--model-path", "--model"});
    case EngineId::kVllm:
    case EngineId::kTrtLlm:
      if (auto m = flag_value(args, first_arg, {"--served-model-name"})) return m;
      if (auto m = flag_value(args, first_arg, {"--model"})) return m;
      // `vllm serve MODEL`: the first word that is not a flag.
      if (first_arg < args.size() && args[first_arg].rfind("-", 0) != 0) return args[first_arg];
      return std::nullopt;
    case EngineId::kLlamaCpp:
      return flag_value(args, first_arg, {"--model", "-m"});
    case EngineId::kOllama:
      return std::nullopt;  // `ollama serve` serves whatever is pulled
  }
  return std::nullopt;
}

std::string probe_body_for(const EngineInfo& e, std::string_view model) {
  std::string body(e.probe_body);
  const size_t at = body.find("{model}");
  if (at != std::string::npos) {
    // JSON-escape the name (a path with quotes or backslashes stays one string).
    std::string esc;
    for (char c : model) {
      if (c == '"' || c == '\\') {
        esc += '\\';
        esc += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        static constexpr char kHex[] = "0123456789abcdef";
        esc += "\\u00";
        esc += kHex[(c >> 4) & 0xf];
        esc += kHex[c & 0xf];
      } else {
        esc += c;
      }
    }
    body.replace(at, 7, esc);
  }
  return body;
}

namespace {

// `-p [IP:]HOST:CONTAINER[/proto]`: the host port published for `container_port`, 0 for none.
uint16_t published_port(const DockerRunLine& line, uint16_t container_port, std::string* ip) {
  for (const std::string& spec : line.values("--publish")) {
    std::string_view v = spec;
    if (const size_t slash = v.find('/'); slash != std::string_view::npos) {
      if (v.substr(slash + 1) != "tcp") continue;
      v = v.substr(0, slash);
    }
    const size_t last = v.rfind(':');
    if (last == std::string_view::npos) continue;  // only a container port: a random host port
    auto cport = parse_u64(v.substr(last + 1));
    if (!cport || *cport != container_port) continue;
    std::string_view host = v.substr(0, last);
    std::string_view host_ip;
    if (const size_t c = host.rfind(':'); c != std::string_view::npos) {
      host_ip = host.substr(0, c);
      host = host.substr(c + 1);
    }
    auto hport = parse_u64(host);
    if (!hport || *hport == 0 || *hport > 65535) continue;
    *ip = std::string(host_ip);
    return static_cast<uint16_t>(*hport);
  }
  return 0;
}

}  // namespace

std::optional<ServerSpec> describe_server(const std::vector<std::string>& argv,
                                          const std::vector<std::string>& env) {
  ServerSpec s;
  if (!is_docker_run(argv)) {
    auto call = find_engine(argv);
    if (!call) return std::nullopt;
    const EngineInfo& e = engine_info(call->id);
    s.id = call->id;
    s.args.assign(argv.begin() + static_cast<long>(std::min(call->first_arg, argv.size())),
                  argv.end());
    s.endpoint = engine_endpoint(e, s.args, 0, env);
    s.model = engine_model(e, s.args, 0);
    s.probe_host = s.endpoint.probe_host();
    s.probe_port = s.endpoint.port;
    return s;
  }
  auto line = parse_docker_run(argv);
  if (!line) return std::nullopt;
  s.in_container = true;
  s.image = line->image;
  const ImageInfo* image = find_image(line->image);
  const DockerFlag* entrypoint = line->find("--entrypoint");
  if (auto call = find_engine(line->command); call && entrypoint == nullptr) {
    s.id = call->id;
    s.args.assign(line->command.begin() + static_cast<long>(call->first_arg), line->command.end());
  } else if (image != nullptr && image->entrypoint_is_server && entrypoint == nullptr) {
    s.id = image->engine;
    s.args = line->command;  // the entrypoint is the server: these are its arguments
  } else {
    return std::nullopt;
  }
  const EngineInfo& e = engine_info(s.id);
  // What the container's server sees: the image's ENV, then docker's -e.
  std::vector<std::string> container_env;
  if (image != nullptr && !image->listen_host.empty() && entrypoint == nullptr) {
    if (s.id == EngineId::kOllama) {
      container_env.push_back("OLLAMA_HOST=" + std::string(image->listen_host));
    }
    if (s.id == EngineId::kLlamaCpp) {
      container_env.push_back("LLAMA_ARG_HOST=" + std::string(image->listen_host));
    }
  }
  for (const std::string& kv : line->values("--env"))
    container_env.push_back(kv);
  s.endpoint = engine_endpoint(e, s.args, 0, container_env);
  s.model = engine_model(e, s.args, 0);
  const DockerFlag* net = line->find("--network");
  if (net != nullptr && net->value == "host") {
    s.probe_host = s.endpoint.probe_host();
    s.probe_port = s.endpoint.port;
    return s;
  }
  const std::string& h = s.endpoint.host;
  if (h == "127.0.0.1" || h == "localhost" || h == "::1") {
    s.unreachable = fmt::format(
        "{} listens on {} inside the container{}: nothing outside it can reach the server; "
        "give it {} 0.0.0.0",
        e.name, h, h == e.default_host ? " (its default)" : "", e.host_flag);
    return s;
  }
  std::string ip;
  s.probe_port = published_port(*line, s.endpoint.port, &ip);
  s.probe_host = ip.empty() || ip == "0.0.0.0" || ip == "::" ? "127.0.0.1" : ip;
  if (s.probe_port == 0) {
    s.unreachable = fmt::format(
        "the container's port {} is not published (-p HOST:{}) and it does not use --network "
        "host",
        s.endpoint.port, s.endpoint.port);
  }
  return s;
}

std::optional<std::string> probe_body_for_path(std::string_view path) {
  const std::string_view p = path.substr(0, path.find('?'));
  if (p == "/generate") return std::string(engine_info(EngineId::kSglang).probe_body);
  if (p == "/completion") return std::string(engine_info(EngineId::kLlamaCpp).probe_body);
  if (p == "/v1/completions" || p == "/completions") {
    return std::string(engine_info(EngineId::kVllm).probe_body);
  }
  return std::nullopt;
}

}  // namespace headroom
