// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Every JSON document headroom prints validates against its schema in docs/schema/ (the
// contract scripts read), from real outputs: status, wait, cache, lint, plan and the event file.
// (restart --json is validated where a restart really runs: tests/integration/restart_test.cpp.)
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "helpers/subprocess.h"
#include "plan/model_writer.h"

namespace headroom {
namespace {

namespace fs = std::filesystem;

std::string scratch(const std::string& name) {
  const std::string d = test::scratch_dir() + "/schema-" + name + "-" + std::to_string(::getpid());
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// Runs headroom with `args`, keeps its stdout in DIR/NAME.json and validates it.
void expect_valid(const std::string& schema, const std::vector<std::string>& args,
                  const std::vector<std::string>& env = {}) {
  const test::RunResult r = test::run_headroom(args, env);
  ASSERT_FALSE(r.out.empty()) << r.err;
  const std::string file = scratch(schema + "-out") + "/out.json";
  std::ofstream(file) << r.out;
  EXPECT_EQ(test::schema_errors(schema, file), "") << r.out;
}

TEST(Schema, StatusAndWaitAndCache) {
  const std::string gb10 = test::fixtures_dir() + "/gb10";
  const std::string readme = std::string(HEADROOM_SOURCE_DIR) + "/README.md";
  expect_valid("status", {"status", "--json", "--no-gpu", "--root", gb10});
  expect_valid("status", {"status", "--json", "--no-gpu", "--root", gb10, "--files", readme,
                          "--need", "10G"});
  // NVML through the stand-in library: a GB10 with a process, and a card that reports memory.
  const std::string procs = scratch("nvml") + "/procs";
  std::ofstream(procs) << "4242 42949672960\n4243 na\n";
  expect_valid(
      "status", {"status", "--json", "--root", gb10},
      {std::string("HEADROOM_NVML_LIBRARY=") + FAKE_NVML_LIB, "FAKE_NVML_PROCS_FILE=" + procs});
  expect_valid(
      "status", {"status", "--json", "--root", gb10},
      {std::string("HEADROOM_NVML_LIBRARY=") + FAKE_NVML_LIB, "FAKE_NVML_MEMORY=100:50:50"});
  expect_valid("status", {"status", "--json", "--no-gpu", "--root", test::fixtures_dir() + "/old"});
  expect_valid("wait",
               {"wait", "--json", "--no-gpu", "--root", gb10, "--free", "1G", "--settle", "0"});
  expect_valid("wait", {"wait", "--json", "--no-gpu", "--root", gb10, "--free", "100G", "--settle",
                        "0", "--timeout", "0.2s"});
  expect_valid("cache", {"cache", "--json", readme});
}

TEST(Schema, Lint) {
  const std::string examples = std::string(HEADROOM_SOURCE_DIR) + "/examples";
  expect_valid("lint", {"lint", "--format", "json", "--unit-root", "/nonexistent", examples});
  const std::string bad = scratch("lint-bad") + "/bad.sh";
  std::ofstream(bad) << "docker run 'unterminated\n";
  expect_valid("lint", {"lint", "--format", "json", bad});
}

TEST(Schema, Plan) {
  const std::string dir = scratch("plan") + "/model";
  test::write_hf_model(dir, test::fixtures_dir() + "/models/llama-3.1-8b/config.json",
                       test::dense_tensors(32, 4096, 32, 8, 128, 14336, 128256, "BF16"), 2);
  for (const char* engine : {"sglang", "vllm"}) {
    expect_valid("plan",
                 {"plan", "--model", dir, "--json", "--machine", "gb10", "--engine", engine});
  }
}

TEST(Schema, TheEventFile) {
  const std::string events = scratch("events") + "/events.jsonl";
  // A run that starts, dies, restarts, gives up: started, died, restarting, gave_up, exited.
  const test::RunResult r =
      test::run_headroom({"run", "--no-gpu", "--no-lint", "--settle", "0", "--burst", "2",
                          "--events", events, "--", "/bin/sh", "-c", "exit 3"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(test::schema_errors("event", events, true), "");
  const test::RunResult why = test::run_headroom({"why", "--json", "--all", "--events", events});
  const std::string copy = scratch("why") + "/why.jsonl";
  std::ofstream(copy) << why.out;
  EXPECT_EQ(test::schema_errors("event", copy, true), "") << why.out;
}

}  // namespace
}  // namespace headroom
