// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `headroom lint` as a user runs it: files, directories, stdin, a command line after --,
// configuration files, broken input, exit codes, and SARIF valid against the 2.1.0 schema.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "helpers/subprocess.h"

namespace headroom {
namespace {

namespace fs = std::filesystem;
using test::run;
using test::RunResult;

RunResult lint(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
  args.insert(args.begin(), {test::headroom_bin(), "lint"});
  return run(args, env, test::kPatience);
}

std::string examples(const std::string& rel) {
  return std::string(HEADROOM_SOURCE_DIR) + "/examples/" + rel;
}

// A fresh directory under the scratch area.
std::string fresh_dir(const std::string& name) {
  const std::string d = test::scratch_dir() + "/lint-" + name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void write(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

TEST(LintCli, ExitCodesFollowTheFindings) {
  EXPECT_EQ(lint({examples("units/sglang-headroom.service")}).exit_code, 0);
  const RunResult r = lint({"--unit-root", "/nonexistent", examples("seed/sglang.service")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("sglang.service:5:44: warning HR201:"), std::string::npos) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;
  // Only an info finding: fails at the default threshold, not at warning.
  const std::string info =
      "docker run --rm --ipc=host lmsysorg/sglang:spark python3 -m "
      "sglang.launch_server --mem-fraction-static 0.7";
  const std::string dir = fresh_dir("threshold");
  write(dir + "/run.sh", info);
  EXPECT_EQ(lint({dir + "/run.sh"}).exit_code, 1);
  EXPECT_EQ(lint({"--failure-threshold", "warning", dir + "/run.sh"}).exit_code, 0);
  EXPECT_EQ(lint({"--failure-threshold", "none", examples("seed/1-rm-with-restart.sh")}).exit_code,
            0);
  EXPECT_EQ(lint({"--ignore", "HR105", dir + "/run.sh"}).exit_code, 0);
}

// The rule pages reach the user: `see:` names a page that exists where this binary runs (the
// source tree's for a build, /usr/share/doc/headroom/rules as installed), and --explain prints it.
TEST(LintCli, RulePagesAreWhereSeePointsAndExplainPrintsThem) {
  const RunResult r = lint({"--", "docker", "run", "--rm", "--restart", "always", "img"});
  const size_t at = r.out.find("see: ");
  ASSERT_NE(at, std::string::npos) << r.out;
  const std::string page = r.out.substr(at + 5, r.out.find('\n', at) - at - 5);
  EXPECT_TRUE(fs::path(page).is_absolute()) << page;
  EXPECT_TRUE(fs::exists(page)) << page;
  const RunResult e = lint({"--explain", "hr101"});
  EXPECT_EQ(e.exit_code, 0) << e.err;
  EXPECT_EQ(e.out.rfind("# HR101: ", 0), 0u) << e.out.substr(0, 200);
  const RunResult bad = lint({"--explain", "HR999"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("no such rule"), std::string::npos) << bad.err;
}

TEST(LintCli, ACommandLineAfterTheDashes) {
  const RunResult r = lint({"--format", "gcc", "--", "docker", "run", "--rm", "--restart", "always",
                            "--name", "s", "nginx"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out.rfind("<command line>:1:17: error: --rm with --restart always", 0), 0u) << r.out;
  const RunResult bad = lint({"--", "docker", "run", "--rm"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("<command line>:1:1: error: docker run: no image given"),
            std::string::npos)
      << bad.err;
}

TEST(LintCli, StdinAndKind) {
  const std::string dir = fresh_dir("stdin");
  write(dir + "/unit",
        "[Service]\nExecStart=/usr/bin/docker run -d --rm --name s img\n"
        "ExecStop=/usr/bin/docker stop s\n");
  const RunResult r =
      run({"/bin/sh", "-c", test::headroom_bin() + " lint --format json - < " + dir + "/unit"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["version"], 1);
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["file"], "<stdin>");
  EXPECT_EQ(j["findings"][0]["code"], "HR205");
  // Forced to shell, the same text has no unit rules to break.
  const RunResult shell =
      run({"/bin/sh", "-c", test::headroom_bin() + " lint --kind shell - < " + dir + "/unit"});
  EXPECT_EQ(shell.exit_code, 0) << shell.out;
}

TEST(LintCli, DirectoriesAreWalkedForWhatTheirNamesSay) {
  const RunResult r = lint({"--format", "json", "--unit-root", "/nonexistent",
                            std::string(HEADROOM_SOURCE_DIR) + "/examples"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  std::set<std::string> files;
  const auto doc = nlohmann::json::parse(r.out);
  for (const auto& f : doc["findings"]) {
    files.insert(fs::path(f["file"].get<std::string>()).filename());
  }
  EXPECT_TRUE(files.count("sglang.service"));
  EXPECT_TRUE(files.count("docker-compose.yml"));
  EXPECT_TRUE(files.count("5-working.sh"));
  EXPECT_FALSE(files.count("README.md"));
  EXPECT_FALSE(files.count("sglang-deployment.yaml")) << "a Kubernetes manifest is not compose";

  // A compose file under another name is found by its content; other YAML is left alone.
  const std::string d = fresh_dir("yaml-by-content");
  write(d + "/models-gemma.yml",
        "services:\n  v:\n    image: vllm/vllm-openai\n    ipc: host\n    restart: always\n"
        "    command: --model /m --gpu-memory-utilization 0.7\n");
  write(d + "/settings.yaml", "services: 3\nname: x\n");
  write(d + "/other.yml", "foo: bar\n");
  const RunResult y = lint({"--format", "gcc", d});
  EXPECT_EQ(y.exit_code, 1) << y.err;
  EXPECT_NE(y.out.find("models-gemma.yml:5:"), std::string::npos) << y.out;
  EXPECT_EQ(y.out.find("other.yml"), std::string::npos) << y.out;
}

TEST(LintCli, ConfigIsFoundUpwardThenInXdg) {
  const std::string dir = fresh_dir("config");
  const std::string line =
      "docker run --rm --restart always --name s --ipc=host lmsysorg/sglang:spark python3 -m "
      "sglang.launch_server --mem-fraction-static 0.7\n";
  write(dir + "/project/deploy/run.sh", line);
  write(dir + "/project/.headroom.toml", "ignore = [\"HR103\"]\n[severity]\nHR101 = \"off\"\n");
  EXPECT_EQ(lint({dir + "/project/deploy/run.sh"}).exit_code, 0);
  // Outside the project, the user's configuration applies.
  write(dir + "/elsewhere/run.sh", line);
  write(dir + "/xdg/headroom/headroom.toml", "failure-threshold = \"none\"\n");
  const RunResult xdg = lint({dir + "/elsewhere/run.sh"}, {"XDG_CONFIG_HOME=" + dir + "/xdg"});
  EXPECT_EQ(xdg.exit_code, 0);
  EXPECT_NE(xdg.out.find("HR101"), std::string::npos);
  // --config wins; a broken one is an input error with its line.
  write(dir + "/bad.toml", "ignore = [\"HR103\"]\ntarget = \"gpu\"\n");
  const RunResult bad = lint({"--config", dir + "/bad.toml", dir + "/elsewhere/run.sh"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("bad.toml:2:10: error: target must be"), std::string::npos) << bad.err;
}

TEST(LintCli, BrokenInputExitsTwoWithALocation) {
  const std::string dir = fresh_dir("broken");
  std::string garbage(4096, '\0');
  for (size_t i = 0; i < garbage.size(); ++i)
    garbage[i] = static_cast<char>((i * 7919 + 13) % 256);
  write(dir + "/garbage.service", "[Unit]\n" + garbage);
  const RunResult g = lint({dir + "/garbage.service"});
  EXPECT_EQ(g.exit_code, 2);
  EXPECT_NE(g.err.find("garbage.service:2:"), std::string::npos) << g.err;
  EXPECT_NE(g.err.find("binary data"), std::string::npos) << g.err;

  // 10 MB on one line, then an unterminated quote: found, placed, and fast.
  write(dir + "/long.sh", "docker run --name s " + std::string(10u << 20, 'x') + " 'img\n");
  const RunResult l = lint({dir + "/long.sh"});
  EXPECT_EQ(l.exit_code, 2);
  EXPECT_NE(l.err.find("long.sh:1:10485782: error: unterminated single quote"), std::string::npos)
      << l.err.substr(0, 200);
  write(dir + "/long.service", "[Service]\n" + std::string(10u << 20, 'y') + "\n");
  const RunResult lu = lint({dir + "/long.service"});  // systemd ignores such a line: HR213
  EXPECT_EQ(lu.exit_code, 1);
  EXPECT_NE(lu.out.find("long.service:2:1: warning HR213: \"yyyy"), std::string::npos)
      << lu.out.substr(0, 300);

  write(dir + "/quote.service", "[Service]\nExecStart=/usr/bin/docker run \"--name s img\n");
  const RunResult q = lint({dir + "/quote.service"});
  EXPECT_EQ(q.exit_code, 2);
  EXPECT_NE(q.err.find("quote.service:2:31: error: ExecStart= unterminated double quote"),
            std::string::npos)
      << q.err;
  write(dir + "/compose.yml", "services:\n  a:\n    image: [x\n");
  EXPECT_EQ(lint({dir + "/compose.yml"}).exit_code, 2);
  const RunResult missing = lint({dir + "/nope.sh"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.sh: error: cannot read:"), std::string::npos) << missing.err;
  // The good files still get their findings when another one is broken.
  const RunResult mixed = lint({dir + "/quote.service", examples("seed/2-mem-fraction.sh")});
  EXPECT_EQ(mixed.exit_code, 2);
  EXPECT_NE(mixed.out.find("HR302"), std::string::npos);
}

TEST(LintCli, UsageErrors) {
  EXPECT_EQ(lint({}).exit_code, 2);
  EXPECT_EQ(lint({"--format", "xml", "-"}).exit_code, 2);
  EXPECT_EQ(lint({"--kind", "yaml", "-"}).exit_code, 2);
  EXPECT_EQ(lint({"--ignore", "HR1", "-"}).exit_code, 2);
  const RunResult rules = lint({"--list-rules"});
  EXPECT_EQ(rules.exit_code, 0);
  EXPECT_NE(rules.out.find("HR101  error    docker --rm together"), std::string::npos) << rules.out;
}

TEST(LintCli, RunWarnsAboutItsCommandOnce) {
  const std::string dir = fresh_dir("run");
  const std::vector<std::string> run_args = {test::headroom_bin(),
                                             "run",
                                             "--free",
                                             "1M",
                                             "--settle",
                                             "0",
                                             "--restart",
                                             "no",
                                             "--events",
                                             dir + "/events.json",
                                             "--name",
                                             "lint-cli-run"};  // not "sh": another test may run one
  std::vector<std::string> cmd = run_args;
  cmd.insert(cmd.end(), {"--", "/bin/sh", "-c",
                         "exit 0; python3 -m sglang.launch_server --mem-fraction-static 0.9"});
  const RunResult r = run(cmd);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("headroom: warning: HR302: --mem-fraction-static 0.9"), std::string::npos)
      << r.err;
  cmd.insert(cmd.begin() + 2, "--no-lint");
  const RunResult quiet = run(cmd);
  EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err.find("HR302"), std::string::npos) << quiet.err;
}

TEST(LintCli, SarifIsValidAgainstTheSchema) {
  const std::string dir = fresh_dir("sarif");
  write(dir + "/bad.sh", "docker run 'unterminated\n");
  const RunResult r = lint({"--format", "sarif", "--unit-root", "/nonexistent",
                            std::string(HEADROOM_SOURCE_DIR) + "/examples", dir + "/bad.sh"});
  EXPECT_EQ(r.exit_code, 2);
  write(dir + "/out.sarif", r.out);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_GE(j["runs"][0]["results"].size(), 20u);
  const RunResult v =
      run({"/usr/bin/python3",
           std::string(HEADROOM_SOURCE_DIR) + "/tests/helpers/validate_json_schema.py",
           test::fixtures_dir() + "/lint/sarif-schema-2.1.0.json", dir + "/out.sarif"});
  ASSERT_NE(v.err.find("No module named"), 0u);
  EXPECT_EQ(v.exit_code, 0) << "SARIF not valid (python3-jsonschema: scripts/deps.sh test):\n"
                            << v.out << v.err;
  // The validator does reject what is not SARIF.
  write(dir + "/not.sarif", "{\"version\": \"2.1.0\", \"runs\": [{\"results\": []}]}");
  const RunResult n =
      run({"/usr/bin/python3",
           std::string(HEADROOM_SOURCE_DIR) + "/tests/helpers/validate_json_schema.py",
           test::fixtures_dir() + "/lint/sarif-schema-2.1.0.json", dir + "/not.sarif"});
  EXPECT_EQ(n.exit_code, 1) << n.out << n.err;
}

}  // namespace
}  // namespace headroom
