// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// headroom unit: the units it writes pass `systemd-analyze verify` (Debian's systemd; no running
// systemd needed) and `headroom lint` clean, and their ExecStart= gives back the same argv under
// systemd's quoting rules, for awkward arguments too.
#include <gtest/gtest.h>

#include <unistd.h>
#include "cli/config_file.h"

#include <filesystem>
#include <fstream>

#include "helpers/seed.h"
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
  return run(args, {}, test::kPatience);
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

// Writes the unit, verifies it with systemd-analyze -- man pages included: a unit written from a
// build tree (no man page installed beside it) names none -- and lints it.
void check(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name + ".service";
  std::ofstream(path) << text;
  const RunResult v = run({"systemd-analyze", "verify", path});
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
  // systemd's OOMPolicy=stop would take the restart decision away from headroom; exit statuses
  // that no restart can cure are not restarted.
  EXPECT_NE(r.out.find("\nOOMPolicy=continue\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nRestartPreventExitStatus=2 126 127\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Documentation="), std::string::npos) << "no man page beside this build";
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
  const std::vector<std::string>& docker = test::seed_docker_run();
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
  EXPECT_NE(p.out.find("\nOOMPolicy=stop\n"), std::string::npos) << "systemd owns restarts";
  EXPECT_NE(p.out.find("\nRestartPreventExitStatus=2\n"), std::string::npos) << p.out;
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
                                            "[1,2,4]",
                                            "--",
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
  // --enable writes the unit, then needs systemd (not PID 1 on CI machines): exit 1, saying so.
  if (!fs::exists("/run/systemd/system")) {
    const RunResult e = unit({"--name", "en", "--enable", "--unit-dir", d, "--", "sleep", "1"});
    EXPECT_EQ(e.exit_code, 1) << e.err;
    EXPECT_TRUE(fs::exists(d + "/en.service"));
    EXPECT_NE(e.err.find("systemd is not running here"), std::string::npos) << e.err;
  }
}

TEST(UnitCli, SwitchesPassThroughAsSwitches) {
  const RunResult r = unit({"--name", "sw", "--no-lint", "--drop-caches", "--evict", "/a",
                            "--evict", "/b c", "--", "sleep", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto argv = exec_argv(r.out, "ExecStart");
  auto dd = std::find(argv.begin(), argv.end(), "--");
  ASSERT_NE(dd, argv.end());
  const std::vector<std::string> flags(argv.begin() + 4, dd);
  EXPECT_EQ(flags, (std::vector<std::string>{"--evict", "/a", "--evict", "/b c", "--drop-caches",
                                             "--no-lint"}));
  ASSERT_EQ(argv.end() - dd, 3);  // a switch took no word of the command
  EXPECT_EQ(fs::path(*(dd + 1)).filename(), "sleep");
}

// The template unit: verified as an instance (systemd loads headroom@.service for
// headroom@sglang.service), lint-clean, its ExecStart= keeping the specifiers systemd expands.
TEST(UnitCli, TheTemplateUnit) {
  const std::string d = fresh("template");
  const std::string bin = fs::canonical(test::headroom_bin()).string();
  const RunResult r = unit({"--template", "--binary", bin});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(
      exec_argv(r.out, "ExecStart"),
      (std::vector<std::string>{bin, "run", "--config", "/etc/headroom/%i.toml", "--name", "%i"}));
  EXPECT_NE(r.out.find("Type=notify\nNotifyAccess=main\n"), std::string::npos);
  EXPECT_NE(r.out.find("TimeoutStartSec=2160s\n"), std::string::npos);  // 300 s + 30 min + 60 s
  EXPECT_LT(r.out.find("StartLimitBurst="), r.out.find("[Service]"));
  EXPECT_NE(r.out.find("\nOOMPolicy=continue\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nRestartPreventExitStatus=2 126 127\n"), std::string::npos) << r.out;
  std::ofstream(d + "/headroom@.service") << r.out;
  // With the man pages checked: no Documentation= is written for a man page not installed.
  const RunResult v = run({"systemd-analyze", "verify", d + "/headroom@sglang.service"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_EQ(v.err.find("Unknown key"), std::string::npos) << v.err;
  const RunResult l =
      run({test::headroom_bin(), "lint", "--unit-root", "/nonexistent", d + "/headroom@.service"});
  EXPECT_EQ(l.exit_code, 0) << l.out << l.err;

  const RunResult i = unit({"--template", "--install", "--unit-dir", d + "/etc", "--binary", bin});
  EXPECT_NE(i.exit_code, 0);  // no such directory: an error, not a crash
  fs::create_directories(d + "/etc");
  ASSERT_EQ(unit({"--template", "--install", "--unit-dir", d + "/etc", "--binary", bin}).exit_code,
            0);
  EXPECT_TRUE(fs::exists(d + "/etc/headroom@.service"));

  // Documentation=: named where the man page is installed beside the binary (PREFIX/bin and
  // PREFIX/share/man/man1, as the package lays them out), or when asked; never otherwise.
  fs::create_directories(d + "/prefix/bin");
  fs::create_directories(d + "/prefix/share/man/man1");
  fs::copy_file(bin, d + "/prefix/bin/headroom");
  std::ofstream(d + "/prefix/share/man/man1/headroom-run.1.gz") << "";
  EXPECT_NE(unit({"--template", "--binary", d + "/prefix/bin/headroom"})
                .out.find("\nDocumentation=man:headroom-run(1)\n"),
            std::string::npos);
  EXPECT_NE(unit({"--template", "--documentation", "man:headroom-run(1)"})
                .out.find("\nDocumentation=man:headroom-run(1)\n"),
            std::string::npos);
  EXPECT_EQ(unit({"--template", "--binary", d + "/prefix/bin/headroom", "--documentation", ""})
                .out.find("Documentation="),
            std::string::npos);
  EXPECT_EQ(unit({"--template", "--name", "x"}).exit_code, 2);
  EXPECT_EQ(unit({"--template", "--free", "2G"}).exit_code, 2);
  EXPECT_EQ(unit({"--template", "--", "sleep", "1"}).exit_code, 2);
  EXPECT_EQ(unit({"--template", "--enable"}).exit_code, 2);  // enable which instance?
  // A container the instance's command left behind is removed after every stop, by the same file.
  EXPECT_EQ(exec_argv(r.out, "ExecStopPost"),
            (std::vector<std::string>{bin, "run", "--config", "/etc/headroom/%i.toml", "--name",
                                      "%i", "--cleanup"}));
  EXPECT_NE(r.out.find("\nExecStopPost=-"), std::string::npos) << "its failure is ignored";
}

// --plain: systemd supervises, so run's options become its directives, or are refused with the
// reason; none is dropped.
TEST(UnitCli, PlainMapsWhatSystemdCanDoAndRefusesTheRest) {
  const std::string d = fresh("plain-map");
  const RunResult r = unit({"--plain", "--name", "srv", "--free", "2G", "--burst", "5", "--within",
                            "30m", "--stop-timeout", "2m", "--restart-delay", "20s",
                            "--stop-signal", "int", "--", "sleep", "1000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const std::string line :
       {"\nStartLimitBurst=5\n", "\nStartLimitIntervalSec=1800s\n", "\nTimeoutStopSec=135s\n",
        "\nRestartSec=20s\n", "\nKillSignal=SIGINT\n"}) {
    EXPECT_NE(r.out.find(line), std::string::npos) << line << r.out;
  }
  check(d, "srv", r.out);
  // A docker line: docker stop -t gets --stop-timeout, systemd's stop job outlasts it.
  const RunResult dk = unit({"--plain", "--name", "srv", "--stop-timeout", "2m", "--", "docker",
                             "run", "--rm", "img", "/bin/server"});
  ASSERT_EQ(dk.exit_code, 0) << dk.err;
  EXPECT_NE(dk.out.find(" stop -t 120 srv\n"), std::string::npos) << dk.out;
  EXPECT_NE(dk.out.find("\nTimeoutStopSec=135s\n"), std::string::npos) << dk.out;
  // What systemd cannot do is refused, named, with the way out.
  const RunResult h = unit({"--plain", "--name", "srv", "--health", "http://127.0.0.1:1/health",
                            "--metrics", "127.0.0.1:9464", "--", "sleep", "1"});
  EXPECT_EQ(h.exit_code, 2);
  EXPECT_EQ(h.out, "");
  EXPECT_NE(h.err.find("--plain has no counterpart for --health, --metrics"), std::string::npos)
      << h.err;
  EXPECT_NE(h.err.find("leave out --plain"), std::string::npos) << h.err;
  const RunResult sig = unit({"--plain", "--name", "srv", "--stop-signal", "INT", "--", "docker",
                              "run", "img", "/bin/server"});
  EXPECT_EQ(sig.exit_code, 2);
  EXPECT_NE(sig.err.find("docker run --stop-signal"), std::string::npos) << sig.err;
}

// The sandboxing every unit gets, and what it must not have: a GPU server needs /dev/nvidia*,
// /dev/kmsg and nvidia-modprobe.
TEST(UnitCli, UnitsAreSandboxedWithoutHidingTheGpuOrTheKernelLog) {
  const std::string d = fresh("hardening");
  const std::vector<std::vector<std::string>> forms = {
      {"--name", "srv", "--", "sleep", "1000"},
      {"--plain", "--name", "srv", "--", "sleep", "1000"},
      {"--template"},
      {"--name", "srv", "--user", "llm", "--", "docker", "run", "img", "/bin/server"}};
  for (const auto& args : forms) {
    const RunResult r = unit(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const std::string on :
         {"NoNewPrivileges=yes", "ProtectSystem=full", "StateDirectory=headroom",
          "LockPersonality=yes", "RestrictRealtime=yes", "RestrictSUIDSGID=yes",
          "ProtectHostname=yes", "SystemCallArchitectures=native"}) {
      EXPECT_NE(r.out.find("\n" + on + "\n"), std::string::npos) << on << "\n" << r.out;
    }
    for (const std::string off :
         {"PrivateDevices=", "ProtectClock=", "DeviceAllow=", "ProtectKernelLogs=",
          "ProtectKernelModules=", "MemoryDenyWriteExecute=", "ProtectHome=", "PrivateTmp="}) {
      EXPECT_EQ(r.out.find("\n" + off), std::string::npos) << off << "\n" << r.out;
    }
    if (args.front() != "--template") check(d, "srv", r.out);
  }
  const RunResult u = unit(forms.back());
  EXPECT_NE(u.out.find("\nUser=llm\n"), std::string::npos) << u.out;
  EXPECT_NE(u.out.find("\nSupplementaryGroups=docker\n"), std::string::npos) << u.out;
  EXPECT_EQ(
      unit({"--name", "srv", "--user", "llm", "--", "sleep", "1"}).out.find("SupplementaryGroups="),
      std::string::npos);
  EXPECT_EQ(unit({"--name", "srv", "--user", "1bad", "--", "sleep", "1"}).exit_code, 2);
  EXPECT_EQ(unit({"--name", "srv", "--user", "a b", "--", "sleep", "1"}).exit_code, 2);
}

// --install replaces its own untouched unit, and leaves an edited one alone unless --force.
TEST(UnitCli, InstallLeavesAnEditedUnitAloneWithoutForce) {
  const std::string d = fresh("edited");
  const std::vector<std::string> first = {"--name", "srv", "--install", "--unit-dir", d,
                                          "--free", "2G",  "--",        "sleep",      "1"};
  ASSERT_EQ(unit(first).exit_code, 0);
  const auto read = [&] {
    std::ifstream in(d + "/srv.service");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  // Untouched: a new version of the unit replaces it.
  std::vector<std::string> second = first;
  second[5] = "--timeout";
  second[6] = "10m";
  const RunResult r2 = unit(second);
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  EXPECT_NE(read().find("TimeoutStartSec=2460s"), std::string::npos) << read();
  // Edited by hand: left alone, said, exit 1.
  const std::string edited = read() + "# local change\nEnvironment=HF_HOME=/srv/hf\n";
  std::ofstream(d + "/srv.service") << edited;
  const RunResult r3 = unit(first);
  EXPECT_EQ(r3.exit_code, 1);
  EXPECT_NE(r3.err.find("was edited since headroom wrote it"), std::string::npos) << r3.err;
  EXPECT_NE(r3.err.find("--force"), std::string::npos) << r3.err;
  EXPECT_EQ(read(), edited);
  // A unit headroom did not write: the same.
  std::ofstream(d + "/srv.service") << "[Service]\nExecStart=/bin/true\n";
  EXPECT_EQ(unit(first).exit_code, 1);
  // --force replaces it.
  std::vector<std::string> forced = first;
  forced.insert(forced.begin(), "--force");
  const RunResult r4 = unit(forced);
  EXPECT_EQ(r4.exit_code, 0) << r4.err;
  EXPECT_NE(read().find("# headroom-checksum: "), std::string::npos);
  EXPECT_EQ(unit({"--name", "srv", "--force", "--", "sleep", "1"}).exit_code, 2);  // no --install
}

// --config: run's options in TOML (what each instance of the template reads). The shipped example
// for the seed's server gives a clean unit; the command line wins over the file.
TEST(UnitCli, OptionsFromATomlFile) {
  const std::string example = std::string(HEADROOM_SOURCE_DIR) + "/examples/headroom/sglang.toml";
  const RunResult r = unit({"--name", "sglang", "--config", example, "--timeout", "10m"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");  // the example's command has no landmines
  const auto argv = exec_argv(r.out, "ExecStart");
  auto dd = std::find(argv.begin(), argv.end(), "--");
  ASSERT_NE(dd, argv.end());
  const std::vector<std::string> flags(argv.begin() + 4, dd);
  auto value = [&](const std::string& f) {
    auto it = std::find(flags.begin(), flags.end(), f);
    return it != flags.end() && it + 1 != flags.end() ? *(it + 1) : std::string("(absent)");
  };
  EXPECT_EQ(value("--free"), "87G");
  EXPECT_EQ(value("--timeout"), "10m");  // the command line's, not the file's 300s
  EXPECT_EQ(std::count(flags.begin(), flags.end(), "--timeout"), 1);
  EXPECT_EQ(value("--burst"), "3");  // an integer in TOML
  EXPECT_EQ(value("--metrics"), "127.0.0.1:9464");
  EXPECT_EQ(std::find(flags.begin(), flags.end(), "--config"), flags.end());
  EXPECT_EQ(*(dd + 1), "/usr/bin/docker");
  EXPECT_EQ(*(argv.end() - 1), "30000");
  EXPECT_NE(r.out.find("TimeoutStartSec=2460s"), std::string::npos);  // 10 min + 30 min + 60 s

  // Bad files: exit 2, the file, line and column, and what is wrong.
  const std::string d = fresh("config");
  auto bad = [&](const std::string& name, const std::string& text) {
    const std::string path = d + "/" + name + ".toml";
    std::ofstream(path) << text;
    return run({test::headroom_bin(), "run", "--config", path}, {}, test::kPatience);
  };
  struct Case {
    std::string text, where, what;
  };
  const std::vector<Case> cases = {
      {"free = \"70\"\n", ":1:1:", "has no unit"},
      {"# x\nfrea = \"70G\"\n", ":2:1:", "unknown key \"frea\""},
      {"free = \n", ":1:8:", "expected value"},
      {"burst = \"x\"\n", ":1:1:", "--burst"},
      {"no-lint = 1\n", ":1:1:", "true or false"},
      {"command = \"sleep 1\"\n", ":1:1:", "list of strings"},
      {"evict = [1, {a = 1}]\n", ":1:1:", "a list of strings"},
      {"timeout = [\"1s\"]\n", ":1:1:", "one value"},
      {"config = \"/etc/other.toml\"\n", ":1:1:", "unknown key"},
      {"[run]\nfree = \"7G\"\n", ":1:2:", "unknown key \"run\""},
      {"\x01\xff\n", ":1:2:", ""},
      {"# Debian's toml++ 3.3 has undefined behaviour on these (fuzz_run_config)\nσ = 1\n",
       ":2:1:", "non-ASCII"},
      {"health = \"x\" σ\n", ":1:14:", "non-ASCII"},
      // toml++ asserts on this in a build without NDEBUG (the ASan tree), then reports it.
      {"[ = \"7\"\n", ":1:3:", "expected bare key"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const RunResult b = bad("bad" + std::to_string(i), cases[i].text);
    EXPECT_EQ(b.exit_code, 2) << cases[i].text << b.err;
    EXPECT_NE(b.err.find("bad" + std::to_string(i) + ".toml" + cases[i].where), std::string::npos)
        << cases[i].text << b.err;
    EXPECT_NE(b.err.find(cases[i].what), std::string::npos) << cases[i].text << b.err;
  }
  const RunResult missing = run({test::headroom_bin(), "run", "--config", d + "/none.toml"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("none.toml: cannot read"), std::string::npos) << missing.err;
}

// A value that looks like a flag stays a value: one `--name=value` word per value (found by
// fuzz_run_config: evict = ["--config"] became `--evict --config`, a second --config).
TEST(UnitCli, TomlValuesThatLookLikeFlagsStayValues) {
  auto f =
      config_flags("x.toml", "evict = [\"--config\", \"-v\"]\nhealth = \"--help\"\n", {}, false);
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->flags,
            (std::vector<std::string>{"--evict=--config", "--evict=-v", "--health=--help"}));
}

// headroom run itself takes the file: its command and options reach the supervisor.
TEST(UnitCli, RunTakesItsOptionsFromATomlFile) {
  const std::string d = fresh("config-run");
  const std::string path = d + "/exits.toml";
  // Its own name: a headroom run of another test may be supervising an "sh" right now.
  std::ofstream(path) << "name = \"toml-run-" << ::getpid()
                      << "\"\nrestart = \"no\"\nsettle = \"0s\"\nno_lint = true\n"
                         "events = \""
                      << d << "/events.jsonl\"\ncommand = [\"/bin/sh\", \"-c\", \"exit 3\"]\n";
  const RunResult r =
      run({test::headroom_bin(), "run", "--no-gpu", "--config", path}, {}, test::kPatience);
  EXPECT_EQ(r.exit_code, 3) << r.err;  // the server's status, as run exits when it gives up
  EXPECT_TRUE(fs::exists(d + "/events.jsonl")) << r.err;
  // The command line's command wins over the file's.
  const RunResult c = run(
      {test::headroom_bin(), "run", "--no-gpu", "--config", path, "--", "/bin/sh", "-c", "exit 4"},
      {}, test::kPatience);
  EXPECT_EQ(c.exit_code, 4) << c.err;
}

}  // namespace
}  // namespace headroom
