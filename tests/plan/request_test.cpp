// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// What `headroom plan` is asked, without the command: the server's line against the flags given,
// the engine's flags checked, the pool from the preset, --pool or a fake of this machine's, the
// model found in a Hugging Face cache; and the words the report uses.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/size.h"
#include "helpers/subprocess.h"
#include "plan/locate.h"
#include "plan/model_writer.h"
#include "plan/report.h"
#include "plan/request.h"

namespace headroom::plan {
namespace {

namespace fs = std::filesystem;

std::string request_dir(const std::string& name) {
  const std::string d = test::scratch_dir() + "/plan-request-" + name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string llama8b_dir(const std::string& dir) {
  test::write_hf_model(dir, test::fixtures_dir() + "/models/llama-3.1-8b/config.json",
                       test::dense_tensors(32, 4096, 32, 8, 128, 14336, 128256, "BF16"), 2);
  return dir;
}

bool none_given(const char*) {
  return false;
}

// A pool that must not be read: the preset or --pool names one.
Result<Sample> no_machine() {
  ADD_FAILURE() << "this machine's pool was read";
  return make_error("not here");
}

Result<ComputedPlan> plan_of(const PlanOptions& o, const std::vector<std::string>& command = {},
                             const FlagGiven& given = none_given,
                             const PoolReader& pool = no_machine) {
  return compute_plan(o, command, {}, given, pool);
}

TEST(PlanRequest, TheGb10PresetAndFreeBefore) {
  PlanOptions o;
  o.model = llama8b_dir(request_dir("preset"));
  o.machine = "gb10";
  auto c = plan_of(o);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->in.pool_total, static_cast<uint64_t>(121.69 * kGiB));
  EXPECT_EQ(c->in.pool_available, static_cast<uint64_t>(111.5 * kGiB));
  EXPECT_EQ(c->in.os_reserve, 16 * kGiB);
  EXPECT_TRUE(c->pool_label.starts_with("--machine gb10: CUDA's 121.69 GiB total"));
  o.free_before = "102G";
  c = plan_of(o);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->in.pool_available, 102 * kGiB);
  EXPECT_TRUE(c->pool_label.ends_with("; free before loading from --free-before"));
  o.free_before = "200G";
  c = plan_of(o);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message, "--free-before 200G is more than the pool's total (121.69 GiB)");
  o.free_before.clear();
  o.machine = "h100";
  EXPECT_EQ(plan_of(o).error().message, "--machine: the preset known is gb10 (DGX Spark)");
}

TEST(PlanRequest, ThisMachinesPoolThroughTheReader) {
  PlanOptions o;
  o.model = llama8b_dir(request_dir("machine"));
  int reads = 0;
  const PoolReader fake = [&reads]() -> Result<Sample> {
    ++reads;
    Sample s;
    s.mem.total = 128 * kGiB;
    s.mem.available = 100 * kGiB;
    return s;
  };
  auto c = plan_of(o, {}, none_given, fake);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(reads, 1);
  EXPECT_EQ(c->in.pool_total, 128 * kGiB);
  EXPECT_EQ(c->in.pool_available, 100 * kGiB);
  EXPECT_EQ(c->pool_label, "this machine: MemTotal, MemAvailable now");
  const PoolReader broken = []() -> Result<Sample> { return make_error("meminfo: unreadable"); };
  EXPECT_EQ(plan_of(o, {}, none_given, broken).error().message, "meminfo: unreadable");
  // --pool names one: the machine is not read.
  o.pool = "64G";
  c = plan_of(o, {}, none_given, fake);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(reads, 1);
  EXPECT_EQ(c->pool_label, "--pool");
}

TEST(PlanRequest, TheEnginesFlagsAreCheckedAgainstTheEngine) {
  PlanOptions o;
  o.model = "/nonexistent";  // usage is checked before the model is read
  o.pool = "64G";
  o.mem_fraction_static = 0.7;
  o.gpu_memory_utilization = 0.7;
  EXPECT_EQ(plan_of(o).error().message,
            "give --mem-fraction-static (SGLang) or --gpu-memory-utilization (vLLM)");
  o.gpu_memory_utilization.reset();
  o.mem_fraction_static = 1.5;
  EXPECT_EQ(plan_of(o).error().message, "a fraction is between 0 and 1");
  o.mem_fraction_static = 0.7;
  o.engine = "vllm";
  EXPECT_EQ(plan_of(o).error().message,
            "--mem-fraction-static is SGLang's flag (use --engine sglang)");
  o.mem_fraction_static.reset();
  o.gpu_memory_utilization = 0.7;
  o.engine = "sglang";
  EXPECT_EQ(plan_of(o).error().message,
            "--gpu-memory-utilization is vLLM's flag (use --engine vllm)");
  o.engine = "tgi";
  EXPECT_EQ(plan_of(o).error().message, "--engine must be sglang, vllm, llamacpp or ollama");
  EXPECT_EQ(plan_of(PlanOptions{}).error().message,
            "--model PATH, or the server's command after --");
}

TEST(PlanRequest, TheServersLineGivesWhatPlanWasNotGiven) {
  const std::string m = llama8b_dir(request_dir("line") + "/llama");
  PlanOptions o;
  o.pool = "121G";
  o.context_length = 8192;
  const std::vector<std::string> line = {
      "vllm", "serve", m, "--max-model-len", "32768", "--gpu-memory-utilization", "0.7"};
  auto c =
      plan_of(o, line, [](const char* flag) { return std::string(flag) == "--context-length"; });
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->engine, Engine::vllm);
  EXPECT_EQ(c->o.model, m);
  EXPECT_EQ(c->o.gpu_memory_utilization, 0.7);
  EXPECT_EQ(c->o.context_length, 8192u);  // given to plan: it wins
  EXPECT_TRUE(c->from_command.starts_with("vLLM")) << c->from_command;
  // Without the flag given, the line's context length.
  c = plan_of(o, line);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->o.context_length, 32768u);
  // run --free auto's figure is the plan's.
  auto cp = plan_for_command(line, {}, [] {
    Sample s;
    s.mem.total = s.mem.available = 121 * kGiB;
    return Result<Sample>(s);
  });
  ASSERT_TRUE(cp) << cp.error().message;
  EXPECT_EQ(cp->wait_free, c->plan.wait_free_bytes);
  EXPECT_EQ(cp->read, c->from_command);
  EXPECT_EQ(plan_of(o, {"ollama", "serve"}).error().message,
            "after --: `ollama serve` loads what a request names: give --model NAME:TAG (or its "
            "GGUF)");
}

TEST(PlanLocate, HuggingFaceSnapshots) {
  const std::string hub = request_dir("hub");
  const std::string repo = hub + "/models--org--name";
  EXPECT_FALSE(hf_snapshot(hub, "org/name"));
  EXPECT_FALSE(hf_snapshot(hub, "no-slash"));
  fs::create_directories(repo + "/snapshots/aaa");
  EXPECT_EQ(hf_snapshot(hub, "org/name"), repo + "/snapshots/aaa");  // the only one
  fs::create_directories(repo + "/snapshots/bbb");
  EXPECT_FALSE(hf_snapshot(hub, "org/name"));  // two, and no ref to choose
  fs::create_directories(repo + "/refs");
  std::ofstream(repo + "/refs/main") << "bbb\n";
  EXPECT_EQ(hf_snapshot(hub, "org/name"), repo + "/snapshots/bbb");
  std::ofstream(repo + "/refs/main", std::ios::trunc) << "..";
  EXPECT_FALSE(hf_snapshot(hub, "org/name"));  // not a way out of snapshots/
}

TEST(PlanReport, NumbersAndFlags) {
  EXPECT_EQ(format_gib(3 * kGiB / 2), "1.50 GiB");
  EXPECT_EQ(format_thousands(0), "0");
  EXPECT_EQ(format_thousands(999), "999");
  EXPECT_EQ(format_thousands(1048576), "1,048,576");
  Architecture a;
  a.layers = 40;
  a.kv_heads = 8;
  a.head_dim = a.v_head_dim = 128;
  Plan p;
  p.kv_dtype_bytes = 2;
  EXPECT_EQ(kv_formula(a, p, 1), "8 KV heads x (128 + 128) x 40 layers x 2 bytes");
  EXPECT_EQ(kv_formula(a, p, 2), "4 KV heads per rank x (128 + 128) x 40 layers x 2 bytes");
  p.engine_flag = "--mem-fraction-static";
  p.fraction = 0.75;
  p.wait_free_bytes = 87 * kGiB + kGiB / 2;
  EXPECT_EQ(engine_flag_with_value(p), "--mem-fraction-static 0.75");
  EXPECT_EQ(wait_free_flag(p), "87G");
  p.engine = Engine::ollama;
  p.engine_flag = "OLLAMA_CONTEXT_LENGTH=";
  p.context_length = 16384;
  p.slots = 2;
  EXPECT_EQ(engine_flag_with_value(p), "OLLAMA_CONTEXT_LENGTH=8192");
}

}  // namespace
}  // namespace headroom::plan
