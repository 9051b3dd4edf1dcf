// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The headroom binary as a user runs it: fixture roots, bad input, exit codes, messages.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "core/size.h"
#include "helpers/subprocess.h"

namespace headroom {
namespace {

using test::run;
using test::RunResult;

RunResult hr(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
  return test::run_headroom(std::move(args), env, test::kPatience);
}

std::string root(const std::string& name) {
  return test::fixtures_dir() + "/" + name;
}

TEST(Cli, StatusJsonOnTheGb10Fixture) {
  const RunResult r = hr({"status", "--root", root("gb10"), "--json", "--no-gpu", "--need", "70G"});
  EXPECT_EQ(r.exit_code, 1) << "70 GiB does not fit in 54 GiB: exit 1\n" << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["pool"]["kind"], "system");
  EXPECT_EQ(j["pool"]["total_bytes"], 125489508ULL * 1024);
  EXPECT_EQ(j["pool"]["available_bytes"], 56632108ULL * 1024);
  EXPECT_EQ(j["meminfo"]["MemTotal"], 125489508ULL * 1024);
  EXPECT_EQ(j["meminfo"]["HugePages_Total"], 0);
  EXPECT_EQ(j["pool"]["cgroup"]["path"], "/system.slice/sglang.service");
  EXPECT_EQ(j["pool"]["cgroup"]["version"], 2);
  EXPECT_TRUE(j["pool"]["cgroup"]["limit_bytes"].is_null());
  EXPECT_EQ(j["pressure"]["some"]["avg10"], 3.21);
  EXPECT_EQ(j["need"]["fits"], false);
  EXPECT_EQ(j["need"]["short_by_bytes"], 70 * kGiB - 56632108ULL * 1024);
}

TEST(Cli, StatusTableNamesTheCgroupPool) {
  const RunResult r = hr(
      {"status", "--root", root("gb10"), "--cgroup", "/pool/server", "--no-gpu", "--need", "20G"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("pool         cgroup /pool/server (v2, limit 64.0 GiB)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("available      24.5 GiB"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("need         20.0 GiB: fits, 4.50 GiB to spare"), std::string::npos);
  EXPECT_NE(r.out.find("OOM kills 1"), std::string::npos);
}

TEST(Cli, StatusWithFakeNvmlShowsTheGb10AndItsProcesses) {
  const std::string procs = test::scratch_dir() + "/cli-nvml-procs";
  { std::ofstream(procs) << "4242 40265318400\n"; }
  const RunResult r =
      hr({"status", "--root", root("gb10")},
         {std::string("HEADROOM_NVML_LIBRARY=") + FAKE_NVML_LIB, "FAKE_NVML_PROCS_FILE=" + procs});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("GPU 0 NVIDIA GB10: memory Not Supported"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pid 4242     37.5 GiB"), std::string::npos) << r.out;
}

TEST(Cli, StatusWithoutPsiSaysSo) {
  const RunResult r = hr({"status", "--root", root("old"), "--no-gpu"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("pressure     not available: the kernel has no PSI"), std::string::npos);
  EXPECT_NE(r.out.find("estimated: this kernel has no MemAvailable"), std::string::npos);
}

TEST(Cli, WaitSeedFormTimesOutWithTheSeedWording) {
  // 0.9 GiB in a 1 GiB pool that has 344 MiB, 1 s: the seed script's message, exit 1.
  RunResult r = hr({"wait", "0.9", "1", "--root", root("v1"), "--settle", "0"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("Timeout waiting for memory after 1.0s: 344 MiB available, target 922 MiB"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("waiting: 344 MiB available, target 922 MiB (short by 578 MiB)"),
            std::string::npos)
      << r.out;
  // One log line per state change, not one per poll: pool line, waiting line, timeout line.
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3) << r.out;
  // 70 GiB in that 1 GiB pool can never be met: said at once, with both figures, exit 2.
  r = hr({"wait", "70", "300", "--root", root("v1"), "--settle", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("the target 70.0 GiB can never be met: the pool is 1.00 GiB in all"),
            std::string::npos)
      << r.err;
}

TEST(Cli, WaitOpensWhenTheTargetIsThere) {
  const RunResult r =
      hr({"wait", "--free", "300M", "--settle", "200ms", "--root", root("v1"), "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["result"], "open");
  EXPECT_EQ(j["target_bytes"], 300 * kMiB);
  EXPECT_EQ(j["available_bytes"], kGiB - 700 * kMiB + 20 * kMiB);
  EXPECT_GE(j["elapsed_s"].get<double>(), 0.2);
  // The pool as status --json gives it (an object, not a label).
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["pool"]["kind"], "cgroup");
  EXPECT_EQ(j["pool"]["total_bytes"], kGiB);
  EXPECT_EQ(j["pool"]["cgroup"]["path"], "/pool/server");
}

// --gone naming a cgroup or process that is not there opens (nothing holds memory there), and
// says so: a typo'd name must not look like a wait that succeeded.
TEST(Cli, WaitGoneOnSomethingAbsentSaysItIsNotThere) {
  const RunResult r = hr({"wait", "--free", "300M", "--settle", "0", "--root", root("v1"), "--gone",
                          "cgroup:/no/such.slice", "--gone", "4000000", "--no-gpu"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string said = r.out + r.err;  // the wait's log lines
  EXPECT_NE(said.find("--gone: cgroup \"/no/such.slice\" not found"), std::string::npos) << said;
  EXPECT_NE(said.find("--gone: process 4000000 is not running: nothing to wait for there"),
            std::string::npos)
      << said;
}

TEST(Cli, WaitPercentTargetIsOfThePool) {
  const RunResult r = hr({"wait", "--free", "50%", "--timeout", "200ms", "--root", root("v1"),
                          "--json", "--settle", "0"});
  EXPECT_EQ(r.exit_code, 1);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["target_bytes"], kGiB / 2);
  EXPECT_EQ(j["result"], "timeout");
  EXPECT_EQ(j["blockers"][0], "memory");
}

struct BadInput {
  std::vector<std::string> args;
  std::string message;
};

void PrintTo(const BadInput& b, std::ostream* os) {
  for (const std::string& a : b.args)
    *os << a << ' ';
}

class CliBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(CliBadInput, ExitsTwoWithAClearMessage) {
  std::vector<std::string> args = GetParam().args;
  const RunResult r = hr(args);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(GetParam().message), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

INSTANTIATE_TEST_SUITE_P(
    Sizes, CliBadInput,
    ::testing::Values(
        BadInput{{"wait", "--free", "lots"}, "--free: size \"lots\" is not a number"},
        BadInput{{"wait", "--free", "-70G"}, "size \"-70G\" is negative"},
        BadInput{{"wait", "--free", "99999999999999999999G"}, "is too large"},
        BadInput{{"wait", "--free", "70X"}, "unknown unit \"X\""},
        BadInput{{"wait", "--free", "70"}, "has no unit: write 70G (GiB)"},
        BadInput{{"wait", "--free", "70G", "10"}, "either as the first argument or with --free"},
        BadInput{{"wait", "abc"}, "size \"abc\" is not a number"},
        BadInput{{"wait", "--free", "1G", "--timeout", "-5"}, "duration \"-5\" is negative"},
        BadInput{{"wait", "--free", "1G", "--settle", "soon"}, "duration \"soon\" is not a number"},
        BadInput{{"wait", "--free", "1G", "--interval", "1ms"}, "--interval: must be between"},
        BadInput{{"wait", "--free", "1G", "--max-pressure", "150"}, "expected a percentage"},
        BadInput{{"wait", "--free", "1G", "--gone", "sglang"}, "expected a process ID"},
        BadInput{{"wait"}, "nothing to wait for"},
        BadInput{{"status", "--need", "1Q"}, "unknown unit \"Q\""},
        BadInput{{"status", "--watch", "1ms"}, "between 100ms and a day"},
        BadInput{{"status", "--bogus"}, "--bogus"},
        BadInput{{"frobnicate"},
                 "unknown command \"frobnicate\" (commands: status, wait, run, restart, why, lint, "
                 "plan, cache, unit, completion;"}));

INSTANTIATE_TEST_SUITE_P(
    Roots, CliBadInput,
    ::testing::Values(
        BadInput{{"status", "--root", "/nonexistent"},
                 "/nonexistent/proc/meminfo: No such file or directory"},
        BadInput{{"wait", "--free", "1G", "--root", "/nonexistent"},
                 "/nonexistent/proc/meminfo: No such file or directory"},
        BadInput{{"status", "--root", HEADROOM_FIXTURES "/broken"},
                 "broken/proc/meminfo: line 2: value of MemFree is not a non-negative integer"},
        BadInput{{"wait", "--free", "1G", "--root", HEADROOM_FIXTURES "/broken-cgroup"},
                 "memory.usage_in_bytes: line 1: expected a number"},
        BadInput{{"status", "--root", HEADROOM_FIXTURES "/v1", "--cgroup", "/nope"},
                 "cgroup \"/nope\" not found"},
        BadInput{{"wait", "--free", "1G", "--root", HEADROOM_FIXTURES "/v1", "--cgroup", "/nope"},
                 "cgroup \"/nope\" not found"},
        BadInput{{"status", "--files", "/nonexistent/model.safetensors", "--no-gpu"},
                 "/nonexistent/model.safetensors: No such file or directory"}));

TEST(Cli, HelpAndVersion) {
  const RunResult help = hr({"wait", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--settle"), std::string::npos);
  EXPECT_NE(help.out.find("default 1s"), std::string::npos);
  const RunResult version = hr({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("headroom ", 0), 0u);
}

TEST(Cli, DropCachesWithoutRootIsAClearError) {
  if (::geteuid() != 0) GTEST_SKIP() << "runs as root to drop privileges";
  const RunResult r = run({"/usr/sbin/runuser", "-u", "nobody", "--", test::headroom_bin(), "wait",
                           "--free", "1M", "--drop-caches"});
  if (r.exit_code == 127 || r.err.find("runuser") != std::string::npos) {
    GTEST_SKIP() << "runuser cannot run here: " << r.err;
  }
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--drop-caches needs root"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace headroom
