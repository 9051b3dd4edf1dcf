// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The docker run parser on real command lines: the seed's shape, NVIDIA's DGX Spark playbook
// lines, compose-style spellings, and the seed's mistake (server flags before the image).
#include "core/docker_cli.h"

#include <gtest/gtest.h>

namespace headroom {
namespace {

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

DockerRunLine parse(const std::string& line) {
  auto r = parse_docker_run(words(line));
  EXPECT_TRUE(r.ok()) << line << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : DockerRunLine{};
}

TEST(DockerRun, NvidiaPlaybookSglangLine) {
  const DockerRunLine d = parse(
      "docker run --gpus all -it --rm --ipc=host --network host "
      "-v /root/.cache/huggingface:/root/.cache/huggingface lmsysorg/sglang:spark "
      "python3 -m sglang.launch_server --model-path Qwen/Qwen3-8B --host 0.0.0.0 --port 30000 "
      "--mem-fraction-static 0.75");
  EXPECT_EQ(d.image, "lmsysorg/sglang:spark");
  EXPECT_TRUE(d.unknown.empty());
  EXPECT_TRUE(d.enabled("--rm"));
  EXPECT_TRUE(d.enabled("--interactive"));
  EXPECT_TRUE(d.enabled("--tty"));
  EXPECT_EQ(d.find("--gpus")->value, "all");
  EXPECT_EQ(d.find("--ipc")->value, "host");
  EXPECT_EQ(d.find("--network")->value, "host");
  EXPECT_EQ(d.find("--volume")->value, "/root/.cache/huggingface:/root/.cache/huggingface");
  ASSERT_EQ(d.command.size(), 11u);
  EXPECT_EQ(d.command[0], "python3");
  EXPECT_EQ(d.command.back(), "0.75");
  EXPECT_EQ(d.find("--name"), nullptr);
}

TEST(DockerRun, NvidiaPlaybookVllmLine) {
  const DockerRunLine d = parse(
      "docker run -it --gpus all -p 8000:8000 --ipc=host --ulimit memlock=-1 "
      "--ulimit stack=67108864 nvcr.io/nvidia/vllm:25.09-py3 vllm serve Qwen/Qwen2.5-Math-1.5B "
      "--gpu-memory-utilization 0.8");
  EXPECT_EQ(d.image, "nvcr.io/nvidia/vllm:25.09-py3");
  EXPECT_EQ(d.values("--ulimit"), (std::vector<std::string>{"memlock=-1", "stack=67108864"}));
  EXPECT_EQ(d.find("--publish")->value, "8000:8000");
  EXPECT_EQ(d.command[0], "vllm");
  EXPECT_TRUE(d.unknown.empty()) << "--gpu-memory-utilization is after the image: the server's";
}

TEST(DockerRun, TheSeedsMistakeServerFlagsBeforeTheImage) {
  const DockerRunLine d = parse(
      "docker run --rm --gpus all --shm-size 32g -p 30000:30000 -v /models:/models --name sglang "
      "--attention-backend flashinfer --mem-fraction-static 0.75 --restart unless-stopped "
      "lmsysorg/sglang:spark python3 -m sglang.launch_server --model-path /models/mistral");
  ASSERT_EQ(d.unknown.size(), 2u);
  EXPECT_EQ(d.unknown[0].spelled, "--attention-backend");
  EXPECT_TRUE(d.unknown[0].took_value);
  EXPECT_EQ(d.unknown[1].spelled, "--mem-fraction-static");
  EXPECT_EQ(d.image, "lmsysorg/sglang:spark");
  EXPECT_EQ(d.find("--restart")->value, "unless-stopped");
  EXPECT_EQ(d.find("--name")->value, "sglang");
  EXPECT_EQ(d.find("--shm-size")->value, "32g");
}

TEST(DockerRun, ClustersEqualsFormsAndAliases) {
  const DockerRunLine d = parse(
      "docker run -itd -p8000:8000 -eHF_TOKEN=x --env=A=1 --net=host --rm=false "
      "--name=srv --stop-timeout=60 img:1 serve");
  EXPECT_TRUE(d.enabled("--detach"));
  EXPECT_TRUE(d.enabled("--interactive"));
  EXPECT_EQ(d.find("--publish")->value, "8000:8000");
  EXPECT_EQ(d.values("--env"), (std::vector<std::string>{"HF_TOKEN=x", "A=1"}));
  EXPECT_EQ(d.find("--network")->value, "host") << "--net is --network";
  EXPECT_FALSE(d.enabled("--rm")) << "--rm=false";
  EXPECT_EQ(d.find("--name")->value, "srv");
  EXPECT_EQ(d.image, "img:1");
  EXPECT_EQ(d.command, (std::vector<std::string>{"serve"}));
}

TEST(DockerRun, GlobalOptionsAndContainerRun) {
  const DockerRunLine d =
      parse("/usr/bin/docker -H unix:///run/docker.sock --context default container run --rm img");
  EXPECT_EQ(d.image, "img");
  EXPECT_TRUE(d.enabled("--rm"));
  EXPECT_TRUE(is_docker_run(words("docker run img")));
  EXPECT_FALSE(is_docker_run(words("docker ps")));
  EXPECT_FALSE(is_docker_run(words("podman run img")));
  EXPECT_FALSE(is_docker_run(words("python3 -m sglang.launch_server")));
}

TEST(DockerRun, DoubleDashBeforeTheImage) {
  const DockerRunLine d = parse("docker run --rm -- img --rm");
  EXPECT_EQ(d.image, "img");
  EXPECT_EQ(d.command, (std::vector<std::string>{"--rm"}));
}

TEST(DockerRun, Errors) {
  EXPECT_EQ(parse_docker_run(words("docker run --rm")).error().message,
            "docker run: no image given");
  EXPECT_EQ(parse_docker_run(words("docker run --name")).error().message,
            "docker run: --name needs a value");
  EXPECT_EQ(parse_docker_run(words("docker run -e")).error().message,
            "docker run: -e needs a value");
  EXPECT_FALSE(parse_docker_run(words("docker ps -a")).ok());
}

TEST(DockerRun, FlagTable) {
  bool takes = false;
  EXPECT_EQ(*docker_run_flag("-m", &takes), "--memory");
  EXPECT_TRUE(takes);
  EXPECT_EQ(*docker_run_flag("--rm", &takes), "--rm");
  EXPECT_FALSE(takes);
  EXPECT_FALSE(docker_run_flag("--attention-backend", &takes));
  EXPECT_FALSE(docker_run_flag("-Z", &takes));
}

// headroom run's Docker policy: the name it can stop the container by, and the lines it refuses.
TEST(SupervisedDockerRun, AddsANameAfterRunWhenTheLineHasNone) {
  auto r = supervised_docker_run({"docker", "run", "--gpus", "all", "lmsysorg/sglang:spark",
                                  "python3", "-m", "sglang.launch_server"},
                                 "");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->container, "headroom-sglang");
  EXPECT_EQ(r->added_name, "headroom-sglang");
  EXPECT_EQ(r->argv, (std::vector<std::string>{"docker", "run", "--name", "headroom-sglang",
                                               "--gpus", "all", "lmsysorg/sglang:spark", "python3",
                                               "-m", "sglang.launch_server"}));
  auto named = supervised_docker_run({"docker", "run", "vllm/vllm-openai"}, "chat");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->container, "chat");
}

TEST(SupervisedDockerRun, KeepsTheLinesOwnName) {
  const std::vector<std::string> line = {"docker", "run", "--name=llm", "vllm/vllm-openai"};
  auto r = supervised_docker_run(line, "other");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->container, "llm");
  EXPECT_EQ(r->added_name, "");
  EXPECT_EQ(r->argv, line);
}

TEST(SupervisedDockerRun, RefusesDetachRestartAndUnknownFlags) {
  auto detached = supervised_docker_run({"docker", "run", "-d", "img"}, "");
  ASSERT_FALSE(detached);
  EXPECT_NE(detached.error().message.find("drop -d/--detach"), std::string::npos);
  auto restart = supervised_docker_run({"docker", "run", "--restart", "always", "img"}, "");
  ASSERT_FALSE(restart);
  EXPECT_NE(restart.error().message.find("--restart always"), std::string::npos);
  EXPECT_TRUE(supervised_docker_run({"docker", "run", "--restart=no", "img"}, ""));
  auto unknown = supervised_docker_run({"docker", "run", "--model-path=/m", "img"}, "");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("unknown flag: --model-path"), std::string::npos);
  EXPECT_EQ(container_name_for("ghcr.io/ggml-org/llama.cpp:server-cuda"), "headroom-llama.cpp");
}

}  // namespace
}  // namespace headroom
