// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The planner: header readers (safetensors, GGUF) on files the test writes, config.json of real
// architectures, and the engines' arithmetic checked against the formula written out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/size.h"
#include "helpers/subprocess.h"
#include "plan/command_line.h"
#include "plan/gguf.h"
#include "plan/model.h"
#include "plan/model_writer.h"
#include "plan/planner.h"
#include "plan/safetensors.h"

namespace headroom::plan {
namespace {

namespace fs = std::filesystem;
using test::TensorSpec;

std::string config(const std::string& name) {
  return test::fixtures_dir() + "/models/" + name + "/config.json";
}

Architecture arch(const std::string& name) {
  std::ifstream f(config(name));
  std::stringstream ss;
  ss << f.rdbuf();
  auto a = parse_config(config(name), ss.str());
  EXPECT_TRUE(a.ok()) << a.error().message;
  return a.value_or(Architecture{});
}

std::string scratch(const std::string& name) {
  const std::string d = test::scratch_dir() + "/plan-" + name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

uint64_t kv(const std::string& name, Engine e = Engine::sglang, double bytes = 2, uint64_t tp = 1) {
  return kv_bytes_per_token(arch(name), e, bytes, tp, 0);
}

TEST(PlanKv, PerTokenBytesByHand) {
  // MHA/GQA: kv_heads x (head_dim + v_head_dim) x layers x 2 bytes (bf16).
  EXPECT_EQ(kv("llama-3.1-8b"), 8u * (128 + 128) * 32 * 2);   // 131,072
  EXPECT_EQ(kv("llama-3.1-70b"), 8u * (128 + 128) * 80 * 2);  // 327,680
  EXPECT_EQ(kv("qwen2.5-7b"), 4u * (128 + 128) * 28 * 2);     // 57,344: head_dim 3584 / 28
  EXPECT_EQ(kv("qwen3-8b"), 8u * (128 + 128) * 36 * 2);       // 147,456
  EXPECT_EQ(kv("qwen3-30b-a3b"), 4u * (128 + 128) * 48 * 2);  // 98,304: MoE changes nothing here
  EXPECT_EQ(kv("mixtral-8x7b"), 8u * (128 + 128) * 32 * 2);   // 131,072
  EXPECT_EQ(kv("gemma-2-9b"), 8u * (256 + 256) * 42 * 2);     // 344,064: fp32 config runs in bf16
  EXPECT_EQ(kv("gemma-3-27b"), 16u * (128 + 128) * 62 * 2);   // 507,904: from text_config
  EXPECT_EQ(kv("mistral-small-3.1-24b"), 8u * (128 + 128) * 40 * 2);  // 163,840: text_config
  // MLA (DeepSeek-V3): (kv_lora_rank + qk_rope_head_dim) x layers x 2 = 576 x 61 x 2.
  EXPECT_EQ(kv("deepseek-v3"), (512u + 64) * 61 * 2);  // 70,272
  // fp8 KV halves it; tp 2 splits the 8 KV heads to 4 per rank.
  EXPECT_EQ(kv("llama-3.1-70b", Engine::sglang, 1), 8u * 256 * 80 * 1);
  EXPECT_EQ(kv("llama-3.1-70b", Engine::sglang, 2, 2), 4u * 256 * 80 * 2);
  // More ranks than KV heads: at least one head per rank (SGLang's max(1, kv // tp)).
  EXPECT_EQ(kv("qwen3-30b-a3b", Engine::sglang, 2, 8), 1u * 256 * 48 * 2);
}

TEST(PlanConfig, ArchitecturesAsPublished) {
  const Architecture ds = arch("deepseek-v3");
  EXPECT_TRUE(ds.mla);
  EXPECT_EQ(ds.experts, 256u);
  EXPECT_EQ(ds.experts_per_token, 8u);
  const Architecture mix = arch("mixtral-8x7b");
  EXPECT_EQ(mix.experts, 8u);
  EXPECT_EQ(mix.sliding_window, 0u);
  const Architecture g2 = arch("gemma-2-9b");
  EXPECT_EQ(g2.sliding_window, 4096u);
  EXPECT_EQ(g2.sliding_layers, 21u);  // every other of 42
  const Architecture g3 = arch("gemma-3-27b");
  EXPECT_EQ(g3.sliding_window, 1024u);
  EXPECT_EQ(g3.sliding_layers, 62u - 62 / 6);  // 5 of every 6
  EXPECT_EQ(g3.max_context, 131072u);
  EXPECT_EQ(arch("qwen2.5-7b").sliding_window, 0u);  // declared but use_sliding_window false
  EXPECT_EQ(arch("mistral-small-3.1-24b").name, "Mistral3ForConditionalGeneration");
  EXPECT_EQ(arch("qwen3-30b-a3b").experts, 128u);
}

TEST(PlanConfig, BadConfigsNameTheFileAndTheField) {
  auto err = [](std::string_view text) {
    auto a = parse_config("m/config.json", text);
    EXPECT_FALSE(a.ok());
    return a.ok() ? std::string() : a.error().message;
  };
  EXPECT_EQ(err(R"({"num_hidden_layers": 0, "num_attention_heads": 8, "hidden_size": 64})"),
            "m/config.json: num_hidden_layers is 0");
  EXPECT_EQ(err(R"({"num_attention_heads": 8, "hidden_size": 64})"),
            "m/config.json: num_hidden_layers is missing");
  EXPECT_EQ(err(R"({"num_hidden_layers": "32", "num_attention_heads": 8, "hidden_size": 64})"),
            "m/config.json: num_hidden_layers must be a non-negative integer, not \"32\"");
  EXPECT_EQ(err("{\"num_hidden_layers\": 3,"), "m/config.json: not valid JSON at byte 25");
  EXPECT_EQ(err("[1]"), "m/config.json: not a JSON object");
  // A number no double holds is refused, not thrown (found by fuzz_model_headers).
  EXPECT_EQ(err(R"({"num_hidden_layers": 5E999999})").rfind("m/config.json: not valid JSON (", 0),
            0u);
  EXPECT_EQ(err(R"({"num_hidden_layers": 2, "num_attention_heads": 0, "hidden_size": 64})"),
            "m/config.json: num_attention_heads is 0");
}

TEST(PlanSafetensors, HeadersAreReadExactly) {
  const std::string d = scratch("st");
  test::write_safetensors(
      d + "/a.safetensors",
      {{"w", "BF16", {4096, 4096}}, {"s", "F32", {4096}}, {"q", "F8_E4M3", {1024, 1024}}});
  auto h = read_safetensors(d + "/a.safetensors");
  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_EQ(h->tensors.size(), 3u);
  EXPECT_EQ(h->bytes_by_dtype.at("BF16"), 4096u * 4096 * 2);
  EXPECT_EQ(h->bytes_by_dtype.at("F32"), 4096u * 4);
  EXPECT_EQ(h->bytes_by_dtype.at("F8_E4M3"), 1024u * 1024);
  EXPECT_EQ(h->total_bytes, 4096u * 4096 * 2 + 4096 * 4 + 1024 * 1024);
}

TEST(PlanSafetensors, BrokenHeadersAreErrors) {
  auto err = [](const std::string& head, uint64_t size) {
    auto h = parse_safetensors(head, size);
    EXPECT_FALSE(h.ok());
    return h.ok() ? std::string() : h.error().message;
  };
  auto with_len = [](uint64_t n, const std::string& json) {
    std::string s(8, '\0');
    for (int i = 0; i < 8; ++i)
      s[static_cast<size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xff);
    return s + json;
  };
  EXPECT_EQ(err("abc", 3), "too short for a safetensors file (no 8-byte header length)");
  EXPECT_EQ(err(with_len(1000, "{}"), 20), "header length 1000 exceeds the file (20 bytes)");
  EXPECT_EQ(err(with_len(1ull << 40, "{}"), 1ull << 41),
            "header length 1099511627776 is absurd (over 100 MB)");
  EXPECT_EQ(err(with_len(4, "{\"a\""), 12).rfind("header is not valid JSON", 0), 0u);
  const std::string t = R"({"w":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,8]}})";
  EXPECT_EQ(err(with_len(t.size(), t), 8 + t.size() + 4),
            "tensor \"w\": data_offsets [0, 8] lie outside the data (4 bytes)");
  const std::string m = R"({"w":{"dtype":"BF16","shape":[2,3],"data_offsets":[0,8]}})";
  EXPECT_EQ(err(with_len(m.size(), m), 8 + m.size() + 8),
            "tensor \"w\": 8 bytes do not hold its shape of 6 elements");
  // A file cut inside its header: the reader says which file.
  const std::string d = scratch("st-bad");
  std::ofstream(d + "/cut.safetensors") << with_len(100, "{\"w\":");
  auto cut = read_safetensors(d + "/cut.safetensors");
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.error().message,
            d + "/cut.safetensors: header length 100 exceeds the file (13 bytes)");
}

TEST(PlanGguf, TablesAreReadWithoutTheData) {
  const std::string d = scratch("gguf");
  test::write_gguf(d + "/m.gguf",
                   [] {
                     auto kv = test::llama8b_gguf_kv();
                     kv.push_back(test::gguf_strs("tokenizer.ggml.tokens", "tok", 128256));
                     return kv;
                   }(),
                   {{"token_embd.weight", "Q4_K", {4096, 128256}},
                    {"blk.0.attn_q.weight", "Q6_K", {4096, 4096}},
                    {"output_norm.weight", "F32", {4096}}});
  auto g = read_gguf(d + "/m.gguf");
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(g->version, 3u);
  EXPECT_EQ(g->string("general.architecture"), "llama");
  EXPECT_EQ(g->integer("llama.block_count"), 32);
  EXPECT_EQ(g->bytes_by_type.at("Q4_K"), 4096u * 128256 / 256 * 144);
  EXPECT_EQ(g->bytes_by_type.at("Q6_K"), 4096u * 4096 / 256 * 210);
  EXPECT_EQ(g->bytes_by_type.at("F32"), 4096u * 4);
  auto m = load_model(d + "/m.gguf");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->arch.kv_heads, 8u);
  EXPECT_EQ(m->arch.head_dim, 128u);
  EXPECT_EQ(m->arch.max_context, 131072u);
}

TEST(PlanGguf, HybridAndSlidingLayers) {
  const std::string d = scratch("gguf-kinds");
  // A Qwen3-Next-like GGUF: 8 layers, head_count_kv 0 on the recurrent ones (3 of every 4).
  std::vector<uint64_t> kv_heads;
  for (int il = 0; il < 8; ++il)
    kv_heads.push_back(il % 4 == 3 ? 2 : 0);
  test::write_gguf(d + "/next.gguf",
                   {test::gguf_str("general.architecture", "qwen3next"),
                    test::gguf_u32("qwen3next.block_count", 8),
                    test::gguf_u32("qwen3next.embedding_length", 2048),
                    test::gguf_u32("qwen3next.attention.head_count", 16),
                    test::gguf_u32s("qwen3next.attention.head_count_kv", kv_heads),
                    test::gguf_u32("qwen3next.attention.key_length", 256),
                    test::gguf_u32("qwen3next.ssm.conv_kernel", 4),
                    test::gguf_u32("qwen3next.ssm.inner_size", 4096),
                    test::gguf_u32("qwen3next.ssm.state_size", 128),
                    test::gguf_u32("qwen3next.ssm.group_count", 16)},
                   {{"w", "F16", {2048, 2048}}});
  auto m = load_model(d + "/next.gguf");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->arch.attention_layers, 2u);
  EXPECT_EQ(m->arch.state_layers, 6u);
  // conv: 3 x (4096 + 2 x 16 x 128) = 24,576 f32; SSM 128 x 4096 f32 = 2 MiB.
  EXPECT_EQ(m->arch.state_conv_channels, 8192u);
  EXPECT_EQ(m->arch.state_ssm_bytes, 128u * 4096 * 4);
  // llama.cpp at 4096 cells, one sequence, f16: 2 layers x 4096 x 2 heads x (256 + 256) x 2 B
  // + 6 states x (24,576 x 4 + 2,097,152) B.
  PlanInput one;
  one.engine = Engine::llamacpp;
  EXPECT_EQ(llamacpp_kv_bytes(m->arch, one, 4096, 2.0),
            2ull * 4096 * 2 * 512 * 2 + 6ull * (24576 * 4 + 2097152));
  // gpt-oss in GGUF: only a window key; llama.cpp's pattern for the architecture (every other
  // layer slides), not "window set, every layer slides".
  test::write_gguf(
      d + "/oss.gguf",
      {test::gguf_str("general.architecture", "gpt-oss"), test::gguf_u32("gpt-oss.block_count", 36),
       test::gguf_u32("gpt-oss.embedding_length", 2880),
       test::gguf_u32("gpt-oss.attention.head_count", 64),
       test::gguf_u32("gpt-oss.attention.head_count_kv", 8),
       test::gguf_u32("gpt-oss.attention.key_length", 64),
       test::gguf_u32("gpt-oss.attention.sliding_window", 128)},
      {{"w", "F16", {2880, 2880}}});
  auto oss = load_model(d + "/oss.gguf");
  ASSERT_TRUE(oss.ok()) << oss.error().message;
  EXPECT_EQ(oss->arch.sliding_layers, 18u);
  // 131,072 cells: 18 full layers x 131,072 + 18 x pad(128 + 512, 256) = 768, x 8 x 128 x 2 B.
  EXPECT_EQ(llamacpp_kv_bytes(oss->arch, one, 131072, 2.0), (18ull * 131072 + 18 * 768) * 2048);
  // A per-layer flag array wins over the architecture's pattern.
  test::write_gguf(
      d + "/flags.gguf",
      {test::gguf_str("general.architecture", "gemma3"), test::gguf_u32("gemma3.block_count", 4),
       test::gguf_u32("gemma3.embedding_length", 1024),
       test::gguf_u32("gemma3.attention.head_count", 8),
       test::gguf_u32("gemma3.attention.sliding_window", 512),
       test::gguf_u32s("gemma3.attention.sliding_window_pattern", {1, 0, 1, 0})},
      {{"w", "F16", {1024, 1024}}});
  // DeepSeek MLA in GGUF (deepseek2): llama.cpp caches the latent once per token and layer,
  // (kv_lora_rank 512 + rope 64) x 61 layers x 2 B = 70,272 B; at 32,768 cells 2,196 MiB (the
  // ik_llama.cpp log's 1166.62 MiB is the same at q8_0: x 34/32 / 2).
  test::write_gguf(d + "/ds.gguf",
                   {test::gguf_str("general.architecture", "deepseek2"),
                    test::gguf_u32("deepseek2.block_count", 61),
                    test::gguf_u32("deepseek2.embedding_length", 7168),
                    test::gguf_u32("deepseek2.attention.head_count", 128),
                    test::gguf_u32("deepseek2.attention.head_count_kv", 128),
                    test::gguf_u32("deepseek2.attention.kv_lora_rank", 512),
                    test::gguf_u32("deepseek2.rope.dimension_count", 64)},
                   {{"w", "F16", {7168, 1024}}});
  auto ds = load_model(d + "/ds.gguf");
  ASSERT_TRUE(ds.ok()) << ds.error().message;
  EXPECT_TRUE(ds->arch.mla);
  EXPECT_EQ(kv_bytes_per_token(ds->arch, Engine::llamacpp, 2.0, 1, 0), 576u * 61 * 2);
  EXPECT_EQ(llamacpp_kv_bytes(ds->arch, one, 32768, 2.0), 32768ull * 576 * 61 * 2);
  auto flags = load_model(d + "/flags.gguf");
  ASSERT_TRUE(flags.ok()) << flags.error().message;
  EXPECT_EQ(flags->arch.sliding_layers, 2u);
}

TEST(PlanGguf, BrokenFilesAreErrors) {
  const std::string d = scratch("gguf-bad");
  std::ofstream(d + "/magic.gguf") << "GGML this is not it";
  EXPECT_EQ(read_gguf(d + "/magic.gguf").error().message,
            d + "/magic.gguf: not a GGUF file (the magic is not \"GGUF\")");
  std::string absurd = "GGUF";
  const uint32_t v = 3;
  const uint64_t tensors = 1ull << 40, keys = 0;
  absurd.append(reinterpret_cast<const char*>(&v), 4);
  absurd.append(reinterpret_cast<const char*>(&tensors), 8);
  absurd.append(reinterpret_cast<const char*>(&keys), 8);
  EXPECT_EQ(parse_gguf(absurd, absurd.size()).error().message,
            "byte 8: tensor count 1099511627776 is absurd");
  // A string longer than the file.
  std::string longstr = "GGUF";
  const uint64_t one = 1, huge = 1ull << 50;
  const uint64_t zero = 0;
  longstr.append(reinterpret_cast<const char*>(&v), 4);
  longstr.append(reinterpret_cast<const char*>(&zero), 8);
  longstr.append(reinterpret_cast<const char*>(&one), 8);
  longstr.append(reinterpret_cast<const char*>(&huge), 8);
  EXPECT_EQ(parse_gguf(longstr, longstr.size() + 100).error().message,
            "byte 24: a metadata key length 1125899906842624 exceeds the file");
  // A tensor that lies beyond the end: cut the file short.
  test::write_gguf(d + "/cut.gguf", {test::gguf_str("general.architecture", "llama")},
                   {{"a", "F16", {512, 1024}}, {"b", "F16", {512, 1024}}});
  fs::resize_file(d + "/cut.gguf", 1536 * 1024);  // the second 1 MiB tensor is cut off
  test::write_gguf(d + "/big.gguf", {test::gguf_str("general.architecture", "llama")},
                   {{"w", "F16", {1024, 1024}}});
  fs::resize_file(d + "/big.gguf", 1000);
  EXPECT_EQ(read_gguf(d + "/big.gguf").error().message,
            d + "/big.gguf: tensor \"w\" (1048576 elements) is larger than the file");
  const std::string cut = read_gguf(d + "/cut.gguf").error().message;
  EXPECT_NE(cut.find("lies beyond the end of the file"), std::string::npos) << cut;
}

Model llama8b(const std::string& dir) {
  test::write_hf_model(dir, config("llama-3.1-8b"),
                       test::dense_tensors(32, 4096, 32, 8, 128, 14336, 128256, "BF16"), 4);
  auto m = load_model(dir);
  EXPECT_TRUE(m.ok()) << m.error().message;
  return std::move(m).value();
}

TEST(PlanModel, ShardedDirectoryWeighsExactly) {
  const Model m = llama8b(scratch("llama8b"));
  // 8,030,261,248 parameters in bf16.
  EXPECT_EQ(m.weight_bytes, 8030261248ull * 2);
  EXPECT_EQ(m.weights_by_dtype.at("BF16"), 8030261248ull * 2);
  EXPECT_EQ(m.files.size(), 4u);
}

TEST(PlanModel, TiedEmbeddingsAreNotLoadedTwice) {
  // Qwen3-1.7B's config (tie_word_embeddings: true), with a checkpoint that still stores
  // lm_head.weight: 151,936 x 2048 x 2 B = 622,329,856 B that neither engine loads.
  const std::string dir = scratch("tied");
  const std::string cfg =
      std::string(HEADROOM_FIXTURES) + "/plan/real/llamacpp-jetson-orin-qwen3-1.7b/config.json";
  const auto tensors = test::dense_tensors(28, 2048, 16, 8, 128, 6144, 151936, "BF16");
  uint64_t all = 0;
  for (const TensorSpec& t : tensors)
    all += test::safetensors_bytes(t);
  test::write_hf_model(dir, cfg, tensors, 2);
  auto m = load_model(dir);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_TRUE(m->arch.tied_embeddings);
  EXPECT_EQ(m->skipped_tied_bytes, 151936ull * 2048 * 2);
  EXPECT_EQ(m->weight_bytes, all - 151936ull * 2048 * 2);
  PlanInput in;
  in.pool_total = in.pool_available = 64 * kGiB;
  auto p = make_plan(*m, in);
  ASSERT_TRUE(p.ok());
  EXPECT_NE(p->notes.back().find("tie_word_embeddings"), std::string::npos);
  // Near miss: not tied, counted (llama 3.1 8B stores its own head).
  EXPECT_EQ(llama8b(scratch("untied")).skipped_tied_bytes, 0u);
}

TEST(PlanCommandLine, MountsAndFlags) {
  const std::vector<Mount> m = {
      {"/srv/models", "/models"}, {"/srv/big", "/models/big/"}, {"/data", "/"}};
  EXPECT_EQ(host_path(m, "/models/x"), "/srv/models/x");
  EXPECT_EQ(host_path(m, "/models/big/y"), "/srv/big/y");  // the longest prefix wins
  EXPECT_EQ(host_path(m, "/models"), "/srv/models");
  EXPECT_EQ(host_path(m, "/modelsx/z"), "/data/modelsx/z");  // not /models: a whole component
  EXPECT_EQ(host_path({{"/srv", "/models"}}, "/opt/x"), std::nullopt);
  // llama-server: -m, -c, -np, -ub, -ctk; docker --mount too.
  auto f = read_server_command({"docker", "run", "--mount", "type=bind,src=/srv/g,dst=/g",
                                "ghcr.io/ggml-org/llama.cpp:server-cuda", "-m", "/g/m.gguf", "-c",
                                "32768", "-np", "2", "-ub", "1024", "-ctk", "q8_0"});
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->engine, Engine::llamacpp);
  EXPECT_EQ(host_path(f->mounts, f->model), "/srv/g/m.gguf");
  EXPECT_EQ(f->context_length, 32768u);
  EXPECT_EQ(f->parallel, 2u);
  EXPECT_EQ(f->ubatch, 1024u);
  EXPECT_EQ(f->kv_cache_dtype, "q8_0");
  // SGLang's spellings, with = forms.
  auto s = read_server_command({"python3", "-m", "sglang.launch_server", "--model-path=/m",
                                "--tp-size", "2", "--mem-fraction-static=0.7"});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->tp, 2u);
  EXPECT_EQ(s->fraction, 0.7);
  EXPECT_FALSE(read_server_command({"vllm", "serve", "--max-model-len", "4096"}).ok());
  auto off = read_server_command({"python3", "-m", "sglang.launch_server", "--model-path", "/m",
                                  "--chunked-prefill-size", "-1", "--cuda-graph-max-bs", "32"});
  ASSERT_TRUE(off.ok()) << off.error().message;
  EXPECT_EQ(off->chunked_prefill_size, 16384u);
  EXPECT_EQ(off->cuda_graph_max_bs, 32u);
  auto mtp =
      read_server_command({"vllm", "serve", "Qwen/Qwen3.6-35B-A3B-FP8", "--speculative-config",
                           R"({"method":"mtp","num_speculative_tokens":2})"});
  ASSERT_TRUE(mtp.ok()) << mtp.error().message;
  EXPECT_EQ(mtp->speculative_tokens, 2u);
  EXPECT_FALSE(read_server_command({"vllm", "serve", "m", "--speculative-config", "{broken"}).ok());
}

TEST(PlanSglang, TokensFollowSglangsFormula) {
  const Model m = llama8b(scratch("llama8b-sg"));
  PlanInput in;
  in.context_length = 65536;
  in.fraction = 0.75;
  in.pool_total = 120 * kGiB;
  in.pool_available = 100 * kGiB;
  in.os_reserve = 8 * kGiB;
  auto p = make_plan(m, in);
  ASSERT_TRUE(p.ok()) << p.error().message;
  // kv = pre x fraction - weights - loading's own 128 MiB (an estimate)
  //    = 75 GiB - 16,060,522,496 - 134,217,728 bytes
  const int64_t kv = static_cast<int64_t>(75 * kGiB) - 16060522496ll - 134217728ll;
  EXPECT_EQ(p->kv_pool_signed, kv);
  EXPECT_EQ(p->kv_tokens, static_cast<uint64_t>(kv) / 131072);  // 490,843.94 -> 490,843
  EXPECT_EQ(p->kv_tokens, 490843u);
  EXPECT_EQ(p->max_requests, 490843u / 65536);  // 7
  EXPECT_EQ(p->verdict, Verdict::fits);
  // The server takes its fraction plus the labelled estimates outside it.
  uint64_t outside = 0;
  for (const Amount& a : p->outside)
    outside += a.bytes;
  EXPECT_EQ(p->server_bytes, 75 * kGiB + outside);
  EXPECT_EQ(p->left_bytes, 100 * kGiB - p->server_bytes);
  // Highest fraction leaving 8 GiB available: (100 - 8 GiB - outside) / 100 GiB, rounded down.
  EXPECT_DOUBLE_EQ(
      p->max_safe_fraction,
      std::floor((92.0 * kGiB - static_cast<double>(outside)) / (100.0 * kGiB) * 100) / 100);
  EXPECT_EQ(p->wait_free_bytes % kGiB, 0u);
  EXPECT_GE(p->wait_free_bytes, p->server_bytes);
  // A page size rounds the tokens down to whole pages.
  in.page_size = 64;
  EXPECT_EQ(make_plan(m, in)->kv_tokens, 490843u / 64 * 64);
}

TEST(PlanSglang, VerdictsAndTheDefaultFraction) {
  const Model m = llama8b(scratch("llama8b-v"));
  PlanInput in;
  in.context_length = 131072;
  in.pool_total = static_cast<uint64_t>(121.69 * kGiB);
  in.pool_available = static_cast<uint64_t>(101.5 * kGiB);
  in.os_reserve = 8 * kGiB;
  // Unset: SGLang's default (~0.89 here) takes too much of a unified pool.
  auto def = make_plan(m, in);
  ASSERT_TRUE(def.ok());
  EXPECT_TRUE(def->fraction_is_default);
  EXPECT_NEAR(def->fraction, 0.89, 0.01);
  EXPECT_NEAR(sglang_default_fraction(in.pool_total, 1, false), 0.892, 0.002);
  // SGLang's bands (server_args._handle_gpu_memory_settings, v0.5.3+), by hand:
  // GB10 (124,610 MiB): chunk 8192, graphs 256: 512 + 12,288 + 512 + 128 = 13,440 MiB -> 0.892.
  const SglangDefaults gb10 = sglang_defaults(in.pool_total, 1, false, 0, 0);
  EXPECT_EQ(gb10.chunked_prefill_size, 8192u);
  EXPECT_EQ(gb10.cuda_graph_max_bs, 256u);
  EXPECT_DOUBLE_EQ(gb10.reserved_mib, 13440);
  // 16 GiB (a Jetson): chunk 2048, graphs 8: 512 + 3072 + 16 + 128 = 3728 -> 0.772, not 0.18.
  const SglangDefaults jetson = sglang_defaults(16 * kGiB, 1, false, 0, 0);
  EXPECT_EQ(jetson.chunked_prefill_size, 2048u);
  EXPECT_EQ(jetson.cuda_graph_max_bs, 8u);
  EXPECT_DOUBLE_EQ(jetson.fraction, 0.772);
  // 24 GiB, TP 4: graphs 80: 512 + 3072 + 160 + 512 = 4256 -> (24,576 - 4256) / 24,576 = 0.827.
  EXPECT_DOUBLE_EQ(sglang_defaults(24 * kGiB, 4, false, 0, 0).fraction, 0.827);
  // Given values win; EAGLE adds 2 GiB after the 10 GiB floor.
  EXPECT_DOUBLE_EQ(sglang_defaults(in.pool_total, 1, false, 4096, 64).reserved_mib, 10240);
  EXPECT_DOUBLE_EQ(sglang_defaults(in.pool_total, 1, true, 4096, 64).reserved_mib, 12288);
  // The weights alone exceed the fraction: SGLang's own error.
  in.fraction = 0.10;
  auto none = make_plan(m, in);
  EXPECT_EQ(none->verdict, Verdict::no_fit);
  EXPECT_NE(none->reason.find("Not enough memory"), std::string::npos);
  // Taking more than is available does not fit.
  in.fraction = 0.99;  // 100.5 GiB + the estimates: more than the 101.5 GiB available
  EXPECT_EQ(make_plan(m, in)->verdict, Verdict::no_fit);
  in.fraction = 0.75;
  in.os_reserve = 30 * kGiB;  // 0.75 leaves about 22.5 of the 101.5 GiB available
  auto tight = make_plan(m, in);
  EXPECT_EQ(tight->verdict, Verdict::tight);
  EXPECT_EQ(tight->shortfall, 30 * kGiB - tight->left_bytes);
}

TEST(PlanVllm, RequestedMustBeFree) {
  const Model m = llama8b(scratch("llama8b-vllm"));
  PlanInput in;
  in.engine = Engine::vllm;
  in.context_length = 32768;
  in.pool_total = static_cast<uint64_t>(121.69 * kGiB);
  in.pool_available = static_cast<uint64_t>(101.5 * kGiB);
  in.os_reserve = 8 * kGiB;
  auto def = make_plan(m, in);  // 0.9 x 121.69 = 109.5 GiB > 101.5 GiB free
  EXPECT_EQ(def->verdict, Verdict::no_fit);
  EXPECT_NE(def->reason.find("less than desired GPU memory utilization (0.90"), std::string::npos);
  EXPECT_EQ(def->shortfall,
            static_cast<uint64_t>(std::ceil(static_cast<double>(in.pool_total) * 0.9)) -
                in.pool_available);
  in.fraction = 0.75;
  auto ok = make_plan(m, in);
  EXPECT_EQ(ok->verdict, Verdict::fits);
  // vLLM's per-token size: 2 x kv_heads x head_size x 2 bytes x layers; blocks of 16 tokens.
  EXPECT_EQ(ok->kv_bytes_per_token, 2u * 8 * 128 * 2 * 32);
  EXPECT_EQ(ok->kv_tokens % 16, 0u);
}

TEST(PlanLlamaCpp, CacheForTheWholeContext) {
  const std::string d = scratch("gguf-plan");
  test::write_gguf(d + "/g.gguf", test::llama8b_gguf_kv(), {{"w", "Q4_K", {4096, 4096 * 64}}});
  auto m = load_model(d + "/g.gguf");
  ASSERT_TRUE(m.ok()) << m.error().message;
  PlanInput in;
  in.engine = Engine::llamacpp;
  in.context_length = 32768;
  in.pool_total = in.pool_available = 64 * kGiB;
  in.os_reserve = 8 * kGiB;
  auto p = make_plan(*m, in);
  ASSERT_TRUE(p.ok());
  // n_ctx x layers x kv_heads x head_dim x 2 (K and V) x 2 bytes (f16)
  EXPECT_EQ(p->kv_pool_bytes, 32768ull * 32 * 8 * 128 * 2 * 2);  // 4 GiB
  // The longest safe -c: 64 GiB - 8 GiB reserve - the weights - 1 GiB of estimates, in
  // 128 KiB per cell, rounded down to 256 cells.
  const uint64_t budget = 64 * kGiB - 8 * kGiB - m->weight_bytes - 1 * kGiB;
  EXPECT_EQ(p->max_safe_context, budget / (32ull * 8 * 128 * 2 * 2) / 256 * 256);
  in.kv_cache_dtype = "q8_0";
  EXPECT_EQ(make_plan(*m, in)->kv_pool_bytes, 32768ull * 32 * 8 * 128 * 2 * 34 / 32);
}

}  // namespace
}  // namespace headroom::plan
