// headroom unit: the units it writes pass `systemd-analyze verify` (Debian's systemd; no running
// systemd needed) and `headroom lint` clean, and their ExecStart= gives back the same argv under
// systemd's quoting rules, for awkward arguments too.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "helpers/subprocess.h"
#include "lint/unit_file.h"

namespace headroom {
namespace {

namespace fs = std::filesystem;
using test::run;
using test::RunResult;

std::string fresh(const std::string& name) {
  const std::string d = test::scratch_dir() + "/unit-cli-" + name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

RunResult unit(std::vector<std::string> args) {
  args.insert(args.begin(), {test::headroom_bin(), "unit"});
  return run(args, {}, std::chrono::seconds(30));
}

// systemd expands specifiers (%% -> %) and variables ($$ -> $) in Exec lines after splitting.
std::string systemd_expand(const std::string& w) {
  std::string out;
  for (size_t i = 0; i < w.size(); ++i) {
    if ((w[i] == '%' || w[i] == '$') && i + 1 < w.size() && w[i + 1] == w[i]) ++i;
    out += w[i];
  }
  return out;
}

// The argv of the unit's `key` (the first command), as systemd will exec it.
std::vector<std::string> exec_argv(const std::string& unit_text, const std::string& key) {
  lint::UnitParse p = lint::parse_unit(unit_text);
  EXPECT_FALSE(p.error) << p.error->message;
  const lint::UnitEntry* e = p.unit.last("Service", key);
  if (e == nullptr) return {};
  lint::ExecParse x = lint::parse_exec(*e);
  EXPECT_FALSE(x.error);
  std::vector<std::string> out;
  for (const std::string& w : x.commands.at(0).argv)
    out.push_back(systemd_expand(w));
  return out;
}

// Writes the unit, verifies it with systemd-analyze and lints it.
void check(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name + ".service";
  std::ofstream(path) << text;
  const RunResult v = run({"systemd-analyze", "verify", "--man=no", path});
  ASSERT_NE(v.exit_code, 127) << "systemd-analyze is missing: scripts/deps.sh installs systemd";
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err << text;
  EXPECT_EQ(v.err.find("Unknown key"), std::string::npos) << v.err;
  const RunResult l = run({test::headroom_bin(), "lint", "--unit-root", "/nonexistent", path});
  EXPECT_EQ(l.exit_code, 0) << l.out << l.err << text;
}

TEST(UnitCli, APlainProcessUnderHeadroomRun) {
  const std::string d = fresh("plain-process");
  const RunResult r =
      unit({"--name", "echo", "--free", "2G", "--health", "http://127.0.0.1:30000/health",
            "--startup-timeout", "20m", "--", "sleep", "1000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");  // no lint warnings
  EXPECT_NE(r.out.find("Type=notify\nNotifyAccess=main\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("TimeoutStartSec=1560s\n"), std::string::npos);  // 300 s + 20 min + 60 s
  EXPECT_NE(r.out.find("TimeoutStopSec=45s\nKillMode=mixed\n"), std::string::npos);
  EXPECT_NE(r.out.find("[Unit]\nDescription=echo, supervised by headroom\n"), std::string::npos);
  EXPECT_NE(r.out.find("StartLimitBurst=3"), r.out.find("[Service]") + 1);
  EXPECT_LT(r.out.find("StartLimitBurst=3"), r.out.find("[Service]"));  // in [Unit]
  const auto argv = exec_argv(r.out, "ExecStart");
  ASSERT_GE(argv.size(), 4u) << r.out;
  EXPECT_EQ(argv[0], fs::canonical(test::headroom_bin()).string());
  EXPECT_EQ(std::vector<std::string>(argv.begin() + 1, argv.begin() + 4),
            (std::vector<std::string>{"run", "--name", "echo"}));
  auto dd = std::find(argv.begin(), argv.end(), "--");
  ASSERT_NE(dd, argv.end());
  // run's flags as given (in run's order of definition), then the command, made absolute.
  const std::vector<std::string> flags(argv.begin() + 4, dd);
  auto has = [&](const std::string& f, const std::string& v) {
    auto it = std::find(flags.begin(), flags.end(), f);
    return it != flags.end() && it + 1 != flags.end() && *(it + 1) == v;
  };
  EXPECT_TRUE(has("--free", "2G"));
  EXPECT_TRUE(has("--startup-timeout", "20m"));
  EXPECT_TRUE(has("--health", "http://127.0.0.1:30000/health"));
  EXPECT_EQ(flags.size(), 6u);
  ASSERT_EQ(argv.end() - dd, 3);
  EXPECT_EQ(fs::path(*(dd + 1)).filename(), "sleep");
  EXPECT_TRUE(fs::path(*(dd + 1)).is_absolute());
  EXPECT_EQ(*(dd + 2), "1000");
  check(d, "echo", r.out);
}

// Where PATH finds a program (what headroom unit writes as argv[0]).
std::string which(const std::string& program) {
  std::string out = run({"/bin/sh", "-c", "command -v " + program}).out;
  while (!out.empty() && out.back() == '\n')
    out.pop_back();
  return out;
}

TEST(UnitCli, TheSeedsDockerCommand) {
  const std::string d = fresh("seed-docker");
  const std::string docker_bin = which("docker");
  ASSERT_FALSE(docker_bin.empty()) << "docker is missing: scripts/deps.sh installs docker.io";
  const std::vector<std::string> docker = {"docker",
                                           "run",
                                           "--rm",
                                           "--name",
                                           "sglang",
                                           "--gpus",
                                           "all",
                                           "--ipc=host",
                                           "-p",
                                           "30000:30000",
                                           "-v",
                                           "/models:/models",
                                           "lmsysorg/sglang:spark",
                                           "python3",
                                           "-m",
                                           "sglang.launch_server",
                                           "--model-path",
                                           "/models/mistral-small-4",
                                           "--mem-fraction-static",
                                           "0.75",
                                           "--host",
                                           "0.0.0.0",
                                           "--port",
                                           "30000"};
  std::vector<std::string> args = {"--name", "sglang", "--free", "70G", "--"};
  args.insert(args.end(), docker.begin(), docker.end());
  const RunResult r = unit(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("Requires=docker.service"), std::string::npos);
  EXPECT_NE(r.out.find("ExecStartPre=-" + docker_bin + " rm -f sglang\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("ExecStopPost=-" + docker_bin + " rm -f sglang\n"), std::string::npos);
  const auto argv = exec_argv(r.out, "ExecStart");
  auto dd = std::find(argv.begin(), argv.end(), "--");
  ASSERT_NE(dd, argv.end());
  std::vector<std::string> tail(dd + 1, argv.end());
  std::vector<std::string> want = docker;
  want[0] = docker_bin;
  EXPECT_EQ(tail, want);
  check(d, "sglang", r.out);

  // --plain: the seed's style, done right.
  args.insert(args.begin(), "--plain");
  const RunResult p = unit(args);
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(p.err, "");
  EXPECT_NE(p.out.find("ExecStop=" + docker_bin + " stop -t 30 sglang\n"), std::string::npos)
      << p.out;
  EXPECT_NE(p.out.find("TimeoutStartSec=420s\n"), std::string::npos);  // 300 s wait + 120 s
  EXPECT_EQ(exec_argv(p.out, "ExecStartPre"),  // the last ExecStartPre= is the gate
            (std::vector<std::string>{fs::canonical(test::headroom_bin()).string(), "wait",
                                      "--free", "70G"}));
  check(d, "sglang-plain", p.out);
  EXPECT_EQ(exec_argv(p.out, "ExecStart"), want);
}

TEST(UnitCli, AwkwardArgumentsRoundTrip) {
  const std::string d = fresh("awkward");
  const std::vector<std::string> awkward = {"/bin/echo",
                                            "two words",
                                            "it's \"quoted\"",
                                            "100%",
                                            "$HOME and ${X}",
                                            "back\\slash",
                                            "tab\there",
                                            ";",
                                            "-dash",
                                            "%i",
                                            "",
                                            "ünïcödé"};
  std::vector<std::string> args = {"--name", "awkward", "--"};
  args.insert(args.end(), awkward.begin(), awkward.end());
  const RunResult r = unit(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto argv = exec_argv(r.out, "ExecStart");
  auto dd = std::find(argv.begin(), argv.end(), "--");
  ASSERT_NE(dd, argv.end()) << r.out;
  EXPECT_EQ(std::vector<std::string>(dd + 1, argv.end()), awkward) << r.out;
  check(d, "awkward", r.out);
}

TEST(UnitCli, InstallAndBadInput) {
  const std::string d = fresh("install");
  const RunResult r = unit({"--name", "srv", "--install", "--unit-dir", d, "--", "sleep", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(d + "/srv.service"));
  EXPECT_NE(r.err.find("wrote " + d + "/srv.service"), std::string::npos) << r.err;
  EXPECT_EQ(unit({"--", "sleep", "1"}).exit_code, 2);                   // no --name
  EXPECT_EQ(unit({"--name", "a/b", "--", "sleep", "1"}).exit_code, 2);  // not a unit name
  EXPECT_EQ(unit({"--name", "x"}).exit_code, 2);                        // no command
  EXPECT_EQ(unit({"--name", "x", "--", "docker", "run", "-d", "img"}).exit_code, 2);  // -d
}

}  // namespace
}  // namespace headroom
