// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The learned footprint's file: what one run writes, the next reads; a broken one is an error
// that names it, never a target.
#include "act/footprint.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace headroom {
namespace {

TEST(Footprint, FormatsAndParsesBack) {
  Footprint f;
  f.name = "vllm-a";
  f.command = "vllm serve /m --gpu-memory-utilization 0.7";
  f.peak = 96ull << 30;
  f.measured = "2026-12-02T18:25:15.959Z";
  f.runs = 3;
  auto back = parse_footprint(format_footprint(f));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->name, f.name);
  EXPECT_EQ(back->command, f.command);
  EXPECT_EQ(back->peak, f.peak);
  EXPECT_EQ(back->runs, 3u);
}

TEST(Footprint, BrokenFilesAreErrorsThatSayWhat) {
  EXPECT_EQ(parse_footprint("{").error().message, "not a JSON object");
  EXPECT_EQ(
      parse_footprint(R"({"name":"a","command":"x","measured":"t","runs":1})").error().message,
      "\"peak_bytes\": missing, or not a whole number");
  EXPECT_EQ(
      parse_footprint(R"({"name":"../x","command":"x","measured":"t","peak_bytes":1,"runs":1})")
          .error()
          .message,
      "\"name\": not a server name");
  EXPECT_EQ(parse_footprint(R"({"name":"a","command":"x","measured":"t","peak_bytes":-1,"runs":1})")
                .error()
                .message,
            "\"peak_bytes\": missing, or not a whole number");
}

TEST(Footprint, SavedAndLoadedByName) {
  const std::string name = "footprint-test-" + std::to_string(::getpid());
  std::filesystem::remove(footprint_path(name));
  auto none = load_footprint(name);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  Footprint f{name, "cmd", 1234, "now", 1};
  ASSERT_TRUE(save_footprint(f));
  auto got = load_footprint(name);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->peak, 1234u);
  // A file that does not parse names its path.
  std::ofstream(footprint_path(name)) << "garbage";
  auto bad = load_footprint(name);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.rfind(footprint_path(name) + ": ", 0), 0u) << bad.error().message;
  std::filesystem::remove(footprint_path(name));
}

// What a run learns: a ready run's peak is the footprint; growth past 1 % raises it at once;
// another command line starts from nothing.
TEST(FootprintLearner, AReadyRunsPeakIsWrittenAndGrowthRaisesIt) {
  const std::string name = "learner-test-" + std::to_string(::getpid());
  std::filesystem::remove(footprint_path(name));
  FootprintLearner l(name, "vllm serve /m", std::nullopt);
  l.started();
  ASSERT_TRUE(l.held(10ull << 30));
  EXPECT_FALSE(*load_footprint(name));  // loading, never ready: nothing to learn yet
  l.ready();
  ASSERT_TRUE(l.held(12ull << 30));
  auto got = load_footprint(name);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->peak, 12ull << 30);
  EXPECT_EQ((*got)->runs, 1u);
  ASSERT_TRUE(l.held((12ull << 30) + (1u << 20)));  // under 1 % more: not written again
  EXPECT_EQ((*load_footprint(name))->peak, 12ull << 30);
  ASSERT_TRUE(l.held(13ull << 30));
  EXPECT_EQ((*load_footprint(name))->peak, 13ull << 30);

  // The next run of another command line does not inherit it.
  FootprintLearner other(name, "vllm serve /other", *got);
  EXPECT_EQ(other.footprint().peak, 0u);
  FootprintLearner same(name, "vllm serve /m", *got);
  EXPECT_EQ(same.footprint().peak, 12ull << 30);
  std::filesystem::remove(footprint_path(name));
}

}  // namespace
}  // namespace headroom
