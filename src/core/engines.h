// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The inference servers headroom knows, as their command lines and images show them: SGLang,
// vLLM, llama.cpp's llama-server, Ollama and TensorRT-LLM's trtllm-serve. One table for `run`
// (health and generation probes, eviction), `lint` (which rules apply) and `plan` (the engine's
// arithmetic). Each fact cites where it was read (docs/field.md, "engines").
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace headroom {

enum class EngineId { kSglang, kVllm, kLlamaCpp, kOllama, kTrtLlm };

// What a client sees while the server loads its model.
enum class Loading {
  kRefuses,     // connections refused until loaded (SGLang: no socket; vLLM: bound, no listen)
  kAnswers503,  // listening at once, 503 "Loading model" on every path (llama-server)
  kLazy,        // up at once, loads a model on the first request naming it (Ollama)
};

// Where the weights live once loaded, which decides when evicting their page cache helps.
enum class Weights {
  kCopied,       // read into device memory, the file's pages left as plain page cache: evict
                 // before a start (vLLM's free-memory check on unified memory counts them used)
  kMaybeMapped,  // mmapped by default on some builds (llama.cpp before load-mode auto, Ollama
                 // up to v0.9): evicting before a start forces a cold read; after the server is
                 // ready the offloaded part is unmapped and can go
};

struct EngineInfo {
  EngineId id;
  std::string_view key;   // "sglang": for flags and JSON
  std::string_view name;  // "SGLang"
  std::string_view default_host;
  uint16_t default_port;
  std::string_view host_flag, port_flag;  // empty: set only by environment (Ollama: OLLAMA_HOST)
  std::string_view health_path;           // readiness and liveness, GET
  std::string_view probe_path;            // the cheapest real generation, POST (empty: none)
  std::string_view probe_body;            // its JSON; {model} is replaced by the model's name
  bool probe_needs_model;                 // the body must name a model the server has
  Loading loading;
  Weights weights;
  std::string_view ready_line;   // the log line printed once it serves
  std::string_view health_note;  // what its health endpoint does and does not prove
};

const EngineInfo& engine_info(EngineId id);
const std::vector<EngineInfo>& all_engines();
std::optional<EngineId> parse_engine_key(std::string_view key);

// The server on a command line, behind the usual wrappers (env, uv run, python -m, nohup, ...):
// `python3 -m sglang.launch_server`, `sglang serve`, `vllm serve`, `python -m
// vllm.entrypoints.openai.api_server`, `llama-server`, `ollama serve`, `trtllm-serve`.
struct EngineCall {
  EngineId id;
  size_t first_arg;  // index of its first own argument in argv
};
std::optional<EngineCall> find_engine(const std::vector<std::string>& argv);

// Well-known images and what their ENTRYPOINT runs. `entrypoint_is_server`: the words after the
// image are the server's own arguments (vllm/vllm-openai: ENTRYPOINT ["vllm","serve"]); false:
// the image has no entrypoint and the words after it are the command (lmsysorg/sglang).
struct ImageInfo {
  std::string_view repository;  // "vllm/vllm-openai" (matched without registry or tag)
  EngineId engine;
  bool entrypoint_is_server;
  std::string_view entrypoint;   // its ENTRYPOINT's words, space-separated ("" = none)
  std::string_view default_cmd;  // its CMD, run when nothing follows the image ("" = none)
  std::string_view listen_host;  // the host its ENV makes the server bind ("" = the engine's)
  std::string_view source;       // where that was read
};
// The image's repository: "docker.io/vllm/vllm-openai:v0.11" -> "vllm/vllm-openai".
std::string image_repository(std::string_view image);
const ImageInfo* find_image(std::string_view image);
// What a container of a known image runs, as docker does it without --entrypoint: the image's
// ENTRYPOINT, then the words after the image or, where there are none, its CMD.
std::vector<std::string> image_command(const ImageInfo& image,
                                       const std::vector<std::string>& after_image);

// Where the server listens: its --host/--port (or its environment), else its defaults.
struct Endpoint {
  std::string host;  // as it binds ("0.0.0.0" included)
  uint16_t port = 0;
  // Where a probe on this machine reaches it: loopback for a wildcard or loopback bind.
  std::string probe_host() const;
};
// `env` ("K=V") is what the server sees: Ollama takes its address from OLLAMA_HOST only,
// llama-server also from LLAMA_ARG_HOST / LLAMA_ARG_PORT; flags win over the environment.
Endpoint engine_endpoint(const EngineInfo& e, const std::vector<std::string>& args,
                         size_t first_arg, const std::vector<std::string>& env = {});

// The last value of a flag from args[first] on, as `NAME VALUE` or `NAME=VALUE`, for any of
// its spellings ({"--ctx-size", "-c"}).
std::optional<std::string> flag_value(const std::vector<std::string>& args, size_t first,
                                      std::initializer_list<std::string_view> names);

// The model a command line serves, where it says ("--model-path M", "vllm serve M", "-m F").
std::optional<std::string> engine_model(const EngineInfo& e, const std::vector<std::string>& args,
                                        size_t first_arg);

// The generation probe's body for the engine, with the model filled in where it needs one.
std::string probe_body_for(const EngineInfo& e, std::string_view model);

// The server a command runs: a plain command line, or a `docker run` line (the engine named by
// the command after the image, or run by a known image's entrypoint), and where a probe on this
// machine reaches it (a container's published port, or its own with --network host).
struct ServerSpec {
  EngineId id = EngineId::kSglang;
  std::vector<std::string> args;  // its own arguments
  Endpoint endpoint;              // where it listens (in its container, for a container)
  std::string probe_host;         // where a probe from here connects
  uint16_t probe_port = 0;        // 0: not reachable from here (unpublished container port)
  std::string unreachable;        // why, when probe_port is 0
  std::optional<std::string> model;
  bool in_container = false;
  std::string image;  // the container's image
};
// `env` is headroom's own environment, which a plain command inherits; a container sees its -e.
std::optional<ServerSpec> describe_server(const std::vector<std::string>& argv,
                                          const std::vector<std::string>& env = {});

// The generation probe's body for a URL path when the engine is not known from the command
// line: SGLang's /generate, llama.cpp's /completion, the OpenAI /v1/completions; nullopt where
// the path says nothing (or the engine needs a model name, as Ollama's /api/generate does).
std::optional<std::string> probe_body_for_path(std::string_view path);

}  // namespace headroom
