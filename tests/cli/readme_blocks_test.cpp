// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Every command block of the README is run by a test, so it cannot drift: each ```sh block says
// where, in the comment line before it —
//   <!-- quickstart: STEP -->     the DGX OS quick start, in the VM stage (tests/vm/checks.sh);
//   <!-- readme-test: ENGINE -->  a `headroom run` against the stand-in (integration/readme_test);
//   <!-- readme-run -->           here: each line as written, in a scratch directory, with the
//                                 model, files and tools this machine lacks made or replaced;
//   <!-- readme-not-run: WHY -->  and why not, which names the test that covers the same path.
// Replaced here: /models/mistral-small by the synthetic model of the plan example (real
// safetensors headers over sparse data), `| kubectl apply -f -` by a file the Kubernetes schemas
// validate, /etc/systemd/system/sglang.service by the unit the README's own block wrote, the
// lint example's files by the examples shipped with the package; `sudo` dropped (run as root;
// a line that needs it is skipped, said, where the tests are not root).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "helpers/subprocess.h"
#include "plan/model_writer.h"

namespace headroom {
namespace {

namespace fs = std::filesystem;

struct Block {
  std::string marker;                 // "readme-run", "quickstart: plan", ...
  int line = 0;                       // of the ```sh
  std::vector<std::string> commands;  // continuation lines joined
};

std::vector<Block> readme_blocks() {
  std::ifstream in(std::string(HEADROOM_SOURCE_DIR) + "/README.md");
  std::vector<Block> out;
  std::string line, previous;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line != "```sh") {
      if (!line.empty()) previous = line;
      continue;
    }
    Block b;
    b.line = n;
    if (previous.starts_with("<!-- ") && previous.ends_with(" -->")) {
      b.marker = previous.substr(5, previous.size() - 9);
    }
    std::string cmd;
    while (std::getline(in, line) && line != "```") {
      ++n;
      if (!line.empty() && line.back() == '\\') {
        cmd += line.substr(0, line.size() - 1);
        continue;
      }
      cmd += line;
      if (!cmd.empty()) b.commands.push_back(cmd);
      cmd.clear();
    }
    ++n;
    out.push_back(b);
    previous.clear();
  }
  return out;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  std::string out;  // built anew: GCC 12's -O3 -Wrestrict misreads std::string::replace
  for (size_t at = 0;;) {
    const size_t next = s.find(from, at);
    out.append(s, at, next == std::string::npos ? std::string::npos : next - at);
    if (next == std::string::npos) break;
    out += to;
    at = next + from.size();
  }
  s = std::move(out);
}

TEST(ReadmeBlocks, EveryCommandBlockSaysWhereItIsRun) {
  const std::vector<Block> blocks = readme_blocks();
  ASSERT_GE(blocks.size(), 10u);
  int quickstart = 0;
  for (const Block& b : blocks) {
    SCOPED_TRACE("README.md:" + std::to_string(b.line));
    const bool known = b.marker.starts_with("quickstart: ") ||
                       b.marker.starts_with("readme-test: ") || b.marker == "readme-run" ||
                       (b.marker.starts_with("readme-not-run: ") && b.marker.size() > 30);
    EXPECT_TRUE(known) << "a ```sh block without <!-- quickstart|readme-test|readme-run|"
                          "readme-not-run: WHY --> before it: \""
                       << b.marker << "\"";
    quickstart += b.marker.starts_with("quickstart: ");
  }
  EXPECT_EQ(quickstart, 7) << "install, plan, unit, start, watch, verify, troubleshoot";
}

TEST(ReadmeBlocks, TheBlocksRunHereRunAsWritten) {
  const std::string d = test::scratch_dir() + "/readme-run-" + std::to_string(::getpid());
  fs::remove_all(d);
  fs::create_directories(d + "/bin");
  fs::create_symlink(test::headroom_bin(), d + "/bin/headroom");
  const std::string model = d + "/models/mistral-small";
  test::write_hf_model(model,
                       std::string(HEADROOM_FIXTURES) + "/models/mistral-small-3.1-24b/config.json",
                       test::dense_tensors(40, 5120, 32, 8, 128, 32768, 131072, "BF16"), 10);
  const std::string src = HEADROOM_SOURCE_DIR;
  fs::copy_file(src + "/examples/seed/5-working.sh", d + "/run-sglang.sh");
  fs::copy_file(src + "/examples/compose/docker-compose.yml", d + "/docker-compose.yml");
  const bool root = ::geteuid() == 0;
  int ran = 0;
  for (const Block& b : readme_blocks()) {
    if (b.marker != "readme-run") continue;
    for (std::string cmd : b.commands) {
      SCOPED_TRACE("README.md block at line " + std::to_string(b.line) + ": " + cmd);
      if (cmd.starts_with("sudo ")) {
        if (!root) {
          std::cout << "SKIPPED (not root): " << cmd << "\n";
          continue;
        }
        cmd.erase(0, 5);
      }
      replace_all(cmd, "/models/mistral-small", model);
      replace_all(cmd, "/etc/systemd/system/sglang.service", "sglang.service");
      replace_all(cmd, "deploy/", src + "/examples/");
      const bool kubectl = cmd.find("| kubectl apply -f -") != std::string::npos;
      replace_all(cmd, "| kubectl apply -f -", "> k8s.yaml");
      const test::RunResult r = test::run(
          {"bash", "-o", "pipefail", "-c", "cd '" + d + "' && PATH='" + d + "/bin':$PATH " + cmd},
          {}, test::kPatience);
      // lint exits 1 on findings, which these examples have on purpose.
      const int want = cmd.starts_with("headroom lint") ? 1 : 0;
      EXPECT_EQ(r.exit_code, want) << r.out << r.err;
      ++ran;
      if (kubectl) {
        const std::string validator = src + "/tests/k8s/validate.mjs";
        const test::RunResult v =
            test::run({"node", validator, d + "/k8s.yaml"}, {}, test::kPatience);
        EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
      }
    }
  }
  EXPECT_GE(ran, 8);
  // The unit block's unit is the one the lint block then reads: clean of errors.
  std::ifstream unit(d + "/sglang.service");
  EXPECT_TRUE(unit.good());
  fs::remove_all(d);
}

}  // namespace
}  // namespace headroom
