// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// headroom plan and headroom cache as a user runs them: the seed's configuration end to end,
// bad model files, usage errors, the page-cache table.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/size.h"
#include "helpers/subprocess.h"
#include "plan/model_writer.h"

namespace headroom {
namespace {

namespace fs = std::filesystem;
using test::run;
using test::RunResult;

RunResult hr(std::vector<std::string> args) {
  return test::run_headroom(std::move(args));
}

std::string fresh(const std::string& name) {
  const std::string d = test::scratch_dir() + "/plan-cli-" + name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string config(const std::string& name) {
  return test::fixtures_dir() + "/models/" + name + "/config.json";
}

// The seed's model class: Mistral Small (24B, 40 layers, 8 KV heads x 128), bf16, 10 shards.
std::string mistral_small(const std::string& dir) {
  test::write_hf_model(dir, config("mistral-small-3.1-24b"),
                       test::dense_tensors(40, 5120, 32, 8, 128, 32768, 131072, "BF16"), 10);
  return dir;
}

TEST(PlanCli, TheSeedsConfigurationOnAGb10) {
  const std::string m = mistral_small(fresh("seed") + "/model");
  const RunResult r = hr({"plan", "--model", m, "--machine", "gb10", "--mem-fraction-static",
                          "0.75", "--context-length", "65536", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto j = nlohmann::json::parse(r.out);
  const uint64_t weights = j["model"]["weight_bytes"].get<uint64_t>();
  // 40 layers x (q 4096x5120 + k,v 1024x5120 + o 5120x4096 + 3 x 32768x5120 + 2 norms) +
  // embeddings and head 2 x 131072x5120 + norm, in bf16.
  const uint64_t params =
      40ull * (4096 * 5120 + 2 * 1024 * 5120 + 5120 * 4096 + 3ull * 32768 * 5120 + 2 * 5120) +
      2ull * 131072 * 5120 + 5120;
  EXPECT_EQ(weights, params * 2);
  EXPECT_EQ(j["kv_bytes_per_token"], 8 * (128 + 128) * 40 * 2);  // 163,840
  const double pre = 111.5 * kGiB;  // the preset's free before loading (FIELD.md section 6)
  // Less what loading takes beyond the checkpoint: 128 MiB, the plan's estimate.
  const auto kv = static_cast<uint64_t>(pre * 0.75 - static_cast<double>(weights + 128 * kMiB));
  EXPECT_EQ(j["kv_tokens"].get<uint64_t>(), kv / 163840);
  EXPECT_EQ(j["max_requests"].get<uint64_t>(), kv / 163840 / 65536);
  EXPECT_EQ(j["verdict"], "fits");
  EXPECT_EQ(j["engine_flag"], "--mem-fraction-static 0.75");
  EXPECT_EQ(j["wait_flag"], "--free 87G");
  EXPECT_EQ(j["max_safe_fraction"], 0.82);
  EXPECT_NE(j["pool"]["source"].get<std::string>().find("assumed 111.5 GiB free"),
            std::string::npos);
  // The TP=2-in-containers case: --free-before.
  const RunResult low =
      hr({"plan", "--model", m, "--machine", "gb10", "--mem-fraction-static", "0.75",
          "--context-length", "65536", "--free-before", "101.5G", "--json"});
  ASSERT_EQ(low.exit_code, 0) << low.err << low.out;
  const auto lj = nlohmann::json::parse(low.out);
  EXPECT_EQ(lj["wait_flag"], "--free 80G");
  EXPECT_EQ(lj["max_safe_fraction"], 0.81);
  EXPECT_EQ(hr({"plan", "--model", m, "--machine", "gb10", "--free-before", "200G"}).exit_code, 2);
  // 0.88, the seed's crash during warm-up: too little left.
  const RunResult tight = hr({"plan", "--model", m, "--machine", "gb10", "--mem-fraction-static",
                              "0.88", "--context-length", "65536"});
  EXPECT_EQ(tight.exit_code, 1);
  EXPECT_NE(tight.out.find("verdict      fits, too little headroom"), std::string::npos)
      << tight.out;
  // Unset: SGLang's default fraction, shown as such.
  const RunResult def = hr({"plan", "--model", m, "--machine", "gb10"});
  EXPECT_NE(def.out.find("(unset: SGLang's default"), std::string::npos) << def.out;
}

TEST(PlanCli, TheServersOwnCommandLine) {
  // The quick start's docker line: engine, model (through the bind mount), fraction and context
  // from it; the same plan as the flags give.
  const std::string d = fresh("command");
  mistral_small(d + "/models/mistral-small");
  const RunResult r = hr({"plan",
                          "--machine",
                          "gb10",
                          "--json",
                          "--",
                          "docker",
                          "run",
                          "--gpus",
                          "all",
                          "-v",
                          d + "/models:/models:ro",
                          "lmsysorg/sglang:spark",
                          "python3",
                          "-m",
                          "sglang.launch_server",
                          "--model-path",
                          "/models/mistral-small",
                          "--mem-fraction-static",
                          "0.75",
                          "--context-length",
                          "65536"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["engine"], "sglang");
  EXPECT_EQ(j["wait_flag"], "--free 87G");
  EXPECT_EQ(j["context_length"], 65536);
  EXPECT_NE(j["from_command"].get<std::string>().find(d + "/models/mistral-small here"),
            std::string::npos)
      << j["from_command"];
  // vLLM's image: the words after the image are `vllm serve`'s; a Hugging Face id from the hub
  // cache the container mounts (refs/main names the snapshot).
  const std::string snap = d + "/hf/hub/models--mistralai--Mistral-Small/snapshots/abc123";
  fs::create_directories(d + "/hf/hub/models--mistralai--Mistral-Small/refs");
  std::ofstream(d + "/hf/hub/models--mistralai--Mistral-Small/refs/main") << "abc123\n";
  mistral_small(snap);
  const RunResult v =
      hr({"plan", "--machine", "gb10", "--json", "--", "docker", "run", "--gpus", "all", "-v",
          d + "/hf:/root/.cache/huggingface", "vllm/vllm-openai", "mistralai/Mistral-Small",
          "--gpu-memory-utilization", "0.7", "--max-model-len", "32768"});
  ASSERT_EQ(v.exit_code, 0) << v.err << v.out;
  const auto vj = nlohmann::json::parse(v.out);
  EXPECT_EQ(vj["engine"], "vllm");
  EXPECT_EQ(vj["fraction"], 0.7);
  EXPECT_EQ(vj["model"]["path"], snap);
  // The image's tag names the release: vLLM 0.10 captures its CUDA graphs beside the budget.
  const RunResult tagged =
      hr({"plan", "--machine", "gb10", "--json", "--", "docker", "run", "-v",
          d + "/hf:/root/.cache/huggingface", "vllm/vllm-openai:v0.10.1", "mistralai/Mistral-Small",
          "--gpu-memory-utilization", "0.7", "--max-model-len", "32768"});
  ASSERT_EQ(tagged.exit_code, 0) << tagged.err << tagged.out;
  const auto tj = nlohmann::json::parse(tagged.out);
  EXPECT_NE(tj["from_command"].get<std::string>().find("vLLM 0.10 (the image's tag)"),
            std::string::npos)
      << tj["from_command"];
  EXPECT_NE(tj["outside_budget"].dump().find("CUDA graphs, beside the budget"), std::string::npos)
      << tj["outside_budget"];
  EXPECT_GT(tj["server_bytes"].get<uint64_t>(), vj["server_bytes"].get<uint64_t>());
  // An empty refs/main: the only snapshot, not the snapshots directory itself.
  std::ofstream(d + "/hf/hub/models--mistralai--Mistral-Small/refs/main", std::ios::trunc);
  const RunResult empty_ref = hr({"plan", "--machine", "gb10", "--json", "--", "docker", "run",
                                  "-v", d + "/hf:/root/.cache/huggingface", "vllm/vllm-openai",
                                  "mistralai/Mistral-Small", "--gpu-memory-utilization", "0.7"});
  ASSERT_EQ(empty_ref.exit_code, 0) << empty_ref.err << empty_ref.out;
  EXPECT_EQ(nlohmann::json::parse(empty_ref.out)["model"]["path"], snap);
  // A flag given to plan wins over the command's.
  const RunResult w = hr({"plan", "--machine", "gb10", "--json", "--context-length", "8192",
                          "--model", d + "/models/mistral-small", "--", "vllm", "serve", "x",
                          "--max-model-len", "32768", "--gpu-memory-utilization", "0.7"});
  ASSERT_EQ(w.exit_code, 0) << w.err << w.out;
  EXPECT_EQ(nlohmann::json::parse(w.out)["context_length"], 8192);
  // What it cannot plan is said, exit 2.
  const RunResult absent = hr({"plan", "--", "vllm", "serve", "org/not-here"});
  EXPECT_EQ(absent.exit_code, 2);
  EXPECT_NE(absent.err.find("org/not-here is not on this machine"), std::string::npos)
      << absent.err;
  EXPECT_EQ(hr({"plan", "--", "vllm", "serve", "m", "--max-model-len", "lots"}).exit_code, 2);
  EXPECT_EQ(hr({"plan", "--", "echo", "hi"}).exit_code, 2);
}

TEST(PlanCli, OllamaByNameFromItsStore) {
  const std::string d = fresh("ollama");
  fs::create_directories(d + "/store/manifests/registry.ollama.ai/library/llama3/8b");
  fs::remove(d + "/store/manifests/registry.ollama.ai/library/llama3/8b");
  fs::create_directories(d + "/store/blobs");
  test::write_gguf(d + "/store/blobs/sha256-1234", test::llama8b_gguf_kv(),
                   {{"w", "Q4_K", {4096, 4096 * 64}}});
  std::ofstream(d + "/store/manifests/registry.ollama.ai/library/llama3/8b")
      << R"({"layers":[{"mediaType":"application/vnd.ollama.image.template","digest":"sha256:99"},)"
      << R"({"mediaType":"application/vnd.ollama.image.model","digest":"sha256:1234"}]})";
  const std::vector<std::string> env = {"OLLAMA_MODELS=" + d + "/store"};
  const RunResult r = test::run_headroom(
      {"plan", "--engine", "ollama", "--model", "llama3:8b", "--pool", "64G", "--json"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["model"]["path"], d + "/store/blobs/sha256-1234");
  // 64 GiB >= 47: num_ctx 262,144, capped at the model's 131,072; one slot; f16 cache.
  EXPECT_EQ(j["context_length"], 131072);
  EXPECT_EQ(j["kv_pool_bytes"], 131072ull * 32 * 8 * 128 * 2 * 2);
  EXPECT_EQ(j["engine_flag"], "OLLAMA_CONTEXT_LENGTH=131072");
  // OLLAMA_NUM_PARALLEL from the container's -e: two caches of num_ctx each.
  const RunResult two =
      test::run_headroom({"plan", "--engine", "ollama", "--model", "llama3:8b", "--pool", "64G",
                          "--json", "--context-length", "8192", "--", "docker", "run", "--gpus",
                          "all", "-e", "OLLAMA_NUM_PARALLEL=2", "ollama/ollama"},
                         env);
  ASSERT_EQ(two.exit_code, 0) << two.err << two.out;
  EXPECT_EQ(nlohmann::json::parse(two.out)["kv_pool_bytes"], 2ull * 8192 * 32 * 8 * 128 * 2 * 2);
  // Not in the store: said, with where it looked.
  const RunResult absent = test::run_headroom(
      {"plan", "--engine", "ollama", "--model", "qwen3:1b", "--pool", "64G"}, env);
  EXPECT_EQ(absent.exit_code, 2);
  EXPECT_NE(absent.err.find("Ollama model qwen3:1b not found"), std::string::npos) << absent.err;
  // `ollama serve` names no model.
  EXPECT_NE(test::run_headroom({"plan", "--", "ollama", "serve"}, env).err.find("--model NAME"),
            std::string::npos);
}

TEST(PlanCli, BadModelsExitTwoNamingTheFileAndField) {
  const std::string d = fresh("bad");
  auto err = [&](const std::string& model) {
    const RunResult r = hr({"plan", "--model", model, "--pool", "100G"});
    EXPECT_EQ(r.exit_code, 2) << r.out;
    return r.err;
  };
  fs::create_directories(d + "/empty");
  EXPECT_NE(err(d + "/empty").find(d + "/empty/config.json: cannot be read"), std::string::npos);
  fs::create_directories(d + "/zero");
  std::ofstream(d + "/zero/config.json")
      << R"({"num_hidden_layers": 0, "num_attention_heads": 8, "hidden_size": 512})";
  EXPECT_NE(err(d + "/zero").find(d + "/zero/config.json: num_hidden_layers is 0"),
            std::string::npos);
  fs::create_directories(d + "/nojson");
  std::ofstream(d + "/nojson/config.json") << "{\"num_hidden_layers\": ";
  EXPECT_NE(err(d + "/nojson").find("config.json: not valid JSON at byte"), std::string::npos);
  // A safetensors header cut short, and one whose length exceeds the file.
  fs::create_directories(d + "/cut");
  fs::copy_file(config("llama-3.1-8b"), d + "/cut/config.json");
  test::write_safetensors(d + "/cut/model.safetensors", {{"w", "BF16", {64, 64}}});
  fs::resize_file(d + "/cut/model.safetensors", 20);
  EXPECT_NE(err(d + "/cut").find(d + "/cut/model.safetensors: header length"), std::string::npos);
  EXPECT_NE(err(d + "/cut").find("exceeds the file (20 bytes)"), std::string::npos);
  std::ofstream(d + "/wrong.gguf") << "GGML not gguf at all";
  EXPECT_NE(err(d + "/wrong.gguf").find("wrong.gguf: not a GGUF file"), std::string::npos);
  EXPECT_NE(err(d + "/missing").find("missing: no such file or directory"), std::string::npos);
}

TEST(PlanCli, UsageErrors) {
  const std::string m = config("llama-3.1-8b");  // a file, but usage is checked first
  EXPECT_EQ(hr({"plan", "--model", m, "--engine", "tgi"}).exit_code, 2);
  EXPECT_EQ(
      hr({"plan", "--model", m, "--mem-fraction-static", "0.7", "--gpu-memory-utilization", "0.7"})
          .exit_code,
      2);
  EXPECT_EQ(hr({"plan", "--model", m, "--mem-fraction-static", "1.5"}).exit_code, 2);
  EXPECT_EQ(hr({"plan", "--model", m, "--machine", "h100"}).exit_code, 2);
  EXPECT_EQ(hr({"plan"}).exit_code, 2);
}

TEST(PlanCli, VllmAndLlamaCppTables) {
  const std::string d = fresh("engines");
  test::write_hf_model(d + "/llama", config("llama-3.1-8b"),
                       test::dense_tensors(32, 4096, 32, 8, 128, 14336, 128256, "BF16"), 2);
  const RunResult v = hr({"plan", "--model", d + "/llama", "--engine", "vllm", "--machine", "gb10",
                          "--context-length", "32768", "--free-before", "102G"});
  EXPECT_EQ(v.exit_code, 1);  // 0.9 x 121.69 GiB is more than the 102 GiB free (TP=2 case)
  EXPECT_NE(v.out.find("less than desired GPU memory utilization"), std::string::npos) << v.out;
  // A fresh single Spark (111.5 GiB free) passes vLLM's start check at its default 0.9.
  const RunResult fresh_spark = hr({"plan", "--model", d + "/llama", "--engine", "vllm",
                                    "--machine", "gb10", "--context-length", "32768"});
  EXPECT_EQ(fresh_spark.out.find("less than desired GPU memory utilization"), std::string::npos)
      << fresh_spark.out;
  const RunResult ok = hr({"plan", "--model", d + "/llama", "--engine", "vllm", "--machine", "gb10",
                           "--context-length", "32768", "--gpu-memory-utilization", "0.7"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  test::write_gguf(d + "/m.gguf", test::llama8b_gguf_kv(), {{"w", "Q4_K", {4096, 4096 * 64}}});
  const RunResult l = hr({"plan", "--model", d + "/m.gguf", "--engine", "llamacpp", "--pool", "64G",
                          "--context-length", "32768", "--json"});
  EXPECT_EQ(l.exit_code, 0) << l.err;
  const auto j = nlohmann::json::parse(l.out);
  EXPECT_EQ(j["kv_pool_bytes"], 32768ull * 32 * 8 * 128 * 2 * 2);
  // Not a multiple of 256: llama.cpp pads the cells (32,769 -> 33,024).
  const RunResult padded = hr({"plan", "--model", d + "/m.gguf", "--engine", "llamacpp", "--pool",
                               "64G", "--context-length", "32769", "--json"});
  EXPECT_EQ(nlohmann::json::parse(padded.out)["kv_pool_bytes"], 33024ull * 32 * 8 * 128 * 2 * 2);
  EXPECT_EQ(j["engine_flag"], "-c 32768");
  EXPECT_GT(j["max_safe_context"].get<uint64_t>(), 32768u);
}

TEST(CacheCli, TableJsonAndEvict) {
  const std::string d = fresh("cache");
  {
    std::ofstream f(d + "/a.bin", std::ios::binary);
    f << std::string(4u << 20, 'x');
  }
  fs::create_directories(d + "/sub");
  std::ofstream(d + "/sub/b.bin") << "small";
  const RunResult j = hr({"cache", "--json", d});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const auto out = nlohmann::json::parse(j.out);
  EXPECT_EQ(out["total"]["files"], 2);
  EXPECT_EQ(out["total"]["size_bytes"], (4u << 20) + 5);
  const RunResult e = hr({"cache", "--evict", d});
  EXPECT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(e.out.find("evicted (posix_fadvise DONTNEED):"), std::string::npos) << e.out;
  EXPECT_NE(e.out.find("total: 2 files"), std::string::npos) << e.out;
  EXPECT_EQ(hr({"cache", d + "/nope"}).exit_code, 2);
  EXPECT_EQ(hr({"cache", "--evict", "--drop-caches", d}).exit_code, 2);
  EXPECT_EQ(hr({"cache"}).exit_code, 2);
}

}  // namespace
}  // namespace headroom
