// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The engine table: servers known by their command lines and their images, where they listen,
// what a probe on this machine connects to, and the generation probe's body.
#include "core/engines.h"

#include <gtest/gtest.h>

namespace headroom {
namespace {

using Args = std::vector<std::string>;

TEST(Engines, KnownByTheirCommandLines) {
  struct Case {
    Args argv;
    EngineId id;
    size_t first;
  };
  const std::vector<Case> cases = {
      {{"python3", "-m", "sglang.launch_server", "--model-path", "m"}, EngineId::kSglang, 3},
      {{"/usr/bin/python3.12", "-u", "-m", "sglang.launch_server"}, EngineId::kSglang, 4},
      {{"sglang", "serve", "m"}, EngineId::kSglang, 2},
      {{"uv", "run", "vllm", "serve", "Qwen/Qwen3-8B"}, EngineId::kVllm, 4},
      {{"python", "-m", "vllm.entrypoints.openai.api_server", "--model", "m"}, EngineId::kVllm, 3},
      {{"/opt/llama.cpp/build/bin/llama-server", "-m", "x.gguf"}, EngineId::kLlamaCpp, 1},
      {{"ollama", "serve"}, EngineId::kOllama, 2},
      {{"trtllm-serve", "serve", "m"}, EngineId::kTrtLlm, 2},
      {{"trtllm-serve", "m"}, EngineId::kTrtLlm, 1},
  };
  for (const Case& c : cases) {
    auto call = find_engine(c.argv);
    ASSERT_TRUE(call) << c.argv[0];
    EXPECT_EQ(call->id, c.id) << c.argv[0];
    EXPECT_EQ(call->first_arg, c.first) << c.argv[0];
  }
  EXPECT_FALSE(find_engine({"python3", "train.py"}));
  EXPECT_FALSE(find_engine({"ollama", "run", "llama3"})) << "a client, not the server";
  EXPECT_FALSE(find_engine({"grep", "-m", "sglang.launch_server"})) << "-m of another program";
}

TEST(Engines, WhereTheyListen) {
  const EngineInfo& sglang = engine_info(EngineId::kSglang);
  Endpoint e = engine_endpoint(sglang, {"--model-path", "m"}, 0);
  EXPECT_EQ(e.host, "127.0.0.1");
  EXPECT_EQ(e.port, 30000);
  e = engine_endpoint(sglang, {"--host", "0.0.0.0", "--port=31000"}, 0);
  EXPECT_EQ(e.host, "0.0.0.0");
  EXPECT_EQ(e.port, 31000);
  EXPECT_EQ(e.probe_host(), "127.0.0.1") << "a wildcard bind is probed on loopback";

  const EngineInfo& vllm = engine_info(EngineId::kVllm);
  EXPECT_EQ(engine_endpoint(vllm, {"m"}, 0).port, 8000);
  EXPECT_EQ(engine_endpoint(vllm, {"m"}, 0).host, "0.0.0.0") << "vLLM binds every address";

  const EngineInfo& ollama = engine_info(EngineId::kOllama);
  EXPECT_EQ(engine_endpoint(ollama, {}, 0).port, 11434);
  e = engine_endpoint(ollama, {}, 0, {"OLLAMA_HOST=http://10.1.2.3:11500"});
  EXPECT_EQ(e.host, "10.1.2.3");
  EXPECT_EQ(e.port, 11500);
  e = engine_endpoint(ollama, {}, 0, {"OLLAMA_HOST=0.0.0.0"});
  EXPECT_EQ(e.host, "0.0.0.0");
  EXPECT_EQ(e.port, 11434);

  const EngineInfo& llama = engine_info(EngineId::kLlamaCpp);
  e = engine_endpoint(llama, {"-m", "x.gguf", "--port", "9000"}, 0, {"LLAMA_ARG_PORT=8500"});
  EXPECT_EQ(e.port, 9000) << "the flag wins over the environment";
  EXPECT_EQ(engine_endpoint(llama, {}, 0, {"LLAMA_ARG_PORT=8500"}).port, 8500);
  EXPECT_EQ(engine_endpoint(llama, {"--port", "nope"}, 0).port, 8080) << "a bad port: the default";
}

TEST(Engines, ImagesAndTheirEntrypoints) {
  EXPECT_EQ(image_repository("vllm/vllm-openai:v0.11.0"), "vllm/vllm-openai");
  EXPECT_EQ(image_repository("docker.io/vllm/vllm-openai@sha256:abc"), "vllm/vllm-openai");
  EXPECT_EQ(image_repository("registry:5000/x/y:tag"), "registry:5000/x/y");
  EXPECT_EQ(image_repository("ghcr.io/ggml-org/llama.cpp:server-cuda"),
            "ghcr.io/ggml-org/llama.cpp");
  const ImageInfo* v = find_image("vllm/vllm-openai:latest");
  ASSERT_NE(v, nullptr);
  EXPECT_TRUE(v->entrypoint_is_server);
  const ImageInfo* s = find_image("lmsysorg/sglang:spark");
  ASSERT_NE(s, nullptr);
  EXPECT_FALSE(s->entrypoint_is_server);
  EXPECT_EQ(find_image("busybox"), nullptr);
}

TEST(Engines, TheServerOfADockerLineAndHowToReachIt) {
  // vLLM's image: the words after it are `vllm serve`'s.
  auto s = describe_server({"docker", "run", "--gpus", "all", "-p", "8001:8000",
                            "vllm/vllm-openai:latest", "Qwen/Qwen3-8B", "--max-model-len", "8192"});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->id, EngineId::kVllm);
  EXPECT_EQ(s->model, "Qwen/Qwen3-8B");
  EXPECT_EQ(s->endpoint.port, 8000);
  EXPECT_EQ(s->probe_port, 8001) << "the published host port";
  EXPECT_EQ(s->probe_host, "127.0.0.1");

  // SGLang without --host: unreachable from outside its container, and said why.
  s = describe_server({"docker", "run", "-p", "30000:30000", "lmsysorg/sglang:spark", "python3",
                       "-m", "sglang.launch_server", "--model-path", "/m"});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->probe_port, 0);
  EXPECT_NE(s->unreachable.find("listens on 127.0.0.1 inside the container (its default)"),
            std::string::npos)
      << s->unreachable;
  EXPECT_NE(s->unreachable.find("--host 0.0.0.0"), std::string::npos);

  s = describe_server({"docker", "run", "--network=host", "lmsysorg/sglang:spark", "python3", "-m",
                       "sglang.launch_server", "--host", "0.0.0.0", "--port", "30001"});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->probe_port, 30001) << "host networking: the server's own port";

  // llama.cpp's server image binds 0.0.0.0 by its ENV; an unpublished port is said.
  s = describe_server({"docker", "run", "ghcr.io/ggml-org/llama.cpp:server-cuda", "-m", "/m.gguf"});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->id, EngineId::kLlamaCpp);
  EXPECT_EQ(s->endpoint.host, "0.0.0.0");
  EXPECT_EQ(s->probe_port, 0);
  EXPECT_NE(s->unreachable.find("port 8080 is not published"), std::string::npos);

  // Ollama's image, its address from -e OLLAMA_HOST.
  s = describe_server({"docker", "run", "-e", "OLLAMA_HOST=0.0.0.0:12000", "-p",
                       "127.0.0.1:12000:12000", "ollama/ollama"});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->id, EngineId::kOllama);
  EXPECT_EQ(s->probe_port, 12000);

  // --entrypoint replaces what the image runs: a shell is no server.
  EXPECT_FALSE(describe_server({"docker", "run", "--entrypoint", "/bin/bash", "vllm/vllm-openai"}));
  EXPECT_FALSE(describe_server({"docker", "run", "busybox", "sleep", "1"}));
}

TEST(Engines, GenerationProbeBodies) {
  EXPECT_EQ(probe_body_for(engine_info(EngineId::kLlamaCpp), ""),
            R"({"prompt":"hi","n_predict":1})");
  EXPECT_EQ(probe_body_for(engine_info(EngineId::kOllama), "qwen3:8b"),
            R"({"model":"qwen3:8b","prompt":"hi","stream":false,"options":{"num_predict":1}})");
  EXPECT_EQ(
      probe_body_for(engine_info(EngineId::kOllama), "a\"b\\c\n"),
      R"({"model":"a\"b\\c\u000a","prompt":"hi","stream":false,"options":{"num_predict":1}})");
  EXPECT_EQ(probe_body_for_path("/generate"), engine_info(EngineId::kSglang).probe_body);
  EXPECT_EQ(probe_body_for_path("/v1/completions"), R"({"prompt":"hi","max_tokens":1})");
  EXPECT_FALSE(probe_body_for_path("/api/generate")) << "Ollama's needs a model name";
  EXPECT_FALSE(probe_body_for_path("/health"));
}

}  // namespace
}  // namespace headroom
