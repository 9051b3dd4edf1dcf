// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// emit/systemd_unit.h: words quoted by systemd_quote and exec_line read back by the linter's
// unit-file parser (lint/unit_file.h, systemd's splitting and C escapes) are the same argv once
// systemd's specifier and variable expansion undoes the doubling; and the unit text for a few
// configurations, written without the CLI.
#include "emit/systemd_unit.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "lint/unit_file.h"

namespace headroom::emit {
namespace {

using namespace std::chrono_literals;

// systemd expands specifiers (%% -> %) and variables ($$ -> $) in Exec lines after splitting.
std::string expanded(const std::string& w) {
  std::string out;
  for (size_t i = 0; i < w.size(); ++i) {
    if ((w[i] == '%' || w[i] == '$') && i + 1 < w.size() && w[i + 1] == w[i]) ++i;
    out += w[i];
  }
  return out;
}

// The argv of the one command of [Service] `key` in `unit`, as systemd will exec it, after the
// prefixes `prefixes` ("-": a failure ignored).
std::vector<std::string> read_back(const std::string& unit, const std::string& key,
                                   const std::string& prefixes = "") {
  const lint::UnitParse p = lint::parse_unit(unit);
  EXPECT_FALSE(p.error) << p.error->message << "\n" << unit;
  EXPECT_TRUE(p.unit.issues.empty()) << unit;
  const lint::UnitEntry* e = p.unit.last("Service", key);
  if (e == nullptr) {
    ADD_FAILURE() << "no " << key << " in\n" << unit;
    return {};
  }
  const lint::ExecParse x = lint::parse_exec(*e);
  EXPECT_FALSE(x.error) << x.error->message;
  EXPECT_EQ(x.commands.size(), 1u) << unit;
  EXPECT_EQ(x.commands.at(0).prefixes, prefixes);
  std::vector<std::string> out;
  for (const std::string& w : x.commands.at(0).argv)
    out.push_back(expanded(w));
  return out;
}

const std::vector<std::string>& awkward_words() {
  static const std::vector<std::string> words = {
      "plain",
      "two words",
      "",
      "say \"hi\"",
      "it's",
      "back\\slash",
      "trailing\\",
      "100%",
      "%i %n %%",
      "$HOME",
      "${VAR}",
      "$$",
      "a;b",
      ";",
      "--flag=value",
      "-",
      "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac",
      "line\nbreak",
      "tab\there",
      "cr\rbell\a\x01\x1f",
      "del\x7f",
      "\"",
      "'",
      " leading and trailing ",
      "x\\n not a newline",
  };
  return words;
}

TEST(SystemdQuote, AwkwardWordsReadBackAsTheSameArgv) {
  for (const std::string& w : awkward_words()) {
    const std::vector<std::string> argv = {"/usr/bin/prog", w};
    const std::string unit = "[Service]\n" + exec_line("ExecStart", argv);
    EXPECT_EQ(read_back(unit, "ExecStart"), argv) << unit;
  }
}

TEST(SystemdQuote, AllOfThemInOneLongLineContinuedOverLines) {
  std::vector<std::string> argv = {"/usr/bin/prog"};
  for (int i = 0; i < 3; ++i)
    argv.insert(argv.end(), awkward_words().begin(), awkward_words().end());
  const std::string line = exec_line("ExecStart", argv);
  EXPECT_NE(line.find(" \\\n    "), std::string::npos) << "continued";
  size_t from = 0;
  for (size_t nl = line.find('\n'); nl != std::string::npos; nl = line.find('\n', nl + 1)) {
    EXPECT_LE(nl - from, 110u) << line.substr(from, nl - from);
    from = nl + 1;
  }
  EXPECT_EQ(read_back("[Service]\n" + line, "ExecStart"), argv) << line;
}

TEST(SystemdQuote, SafeWordsStayBareOthersAreQuoted) {
  EXPECT_EQ(systemd_quote("/usr/bin/headroom"), "/usr/bin/headroom");
  EXPECT_EQ(systemd_quote("--free=70G"), "--free=70G");
  EXPECT_EQ(systemd_quote("50%"), "50%%");
  EXPECT_EQ(systemd_quote("$HOME"), "$$HOME");
  EXPECT_EQ(systemd_quote(""), "\"\"");
  EXPECT_EQ(systemd_quote("a b"), "\"a b\"");
  EXPECT_EQ(systemd_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(systemd_quote("\x01"), "\"\\x01\"");
}

ServerConfig server(std::vector<std::string> command) {
  ServerConfig c;
  c.name = "srv";
  c.command = std::move(command);
  c.gate.settle = {1s, "1s"};
  c.gate.timeout = {300s, "300s"};
  c.gate.interval = {100ms, "100ms"};
  c.startup_timeout = {30min, "30m"};
  c.stop_timeout = 30s;
  c.restart = RestartMode::kOnFailure;
  c.within = 10min;
  return c;
}

UnitHost host() {
  return UnitHost{"/usr/bin/headroom", "", ""};
}

TEST(SystemdUnit, APlainProcessUnderHeadroomRun) {
  ServerConfig c = server({"/usr/bin/sleep", "1000"});
  c.flags = {{"--free", "2G", true}, {"--startup-timeout", "20m", false}, {"--no-lint", {}, false}};
  c.startup_timeout = {20min, "20m"};
  auto u = systemd_unit(SystemdUnitInput{c, host(), "", false});
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_NE(u->find("[Unit]\nDescription=srv, supervised by headroom\n"
                    "After=network-online.target\nWants=network-online.target\n"),
            std::string::npos)
      << *u;
  EXPECT_EQ(u->find("Documentation="), std::string::npos);
  EXPECT_EQ(u->find("docker"), std::string::npos) << *u;
  EXPECT_NE(u->find("\n[Service]\nType=notify\nNotifyAccess=main\n"), std::string::npos);
  EXPECT_NE(u->find("\nTimeoutStartSec=1560s\n"), std::string::npos);  // 300 s + 20 min + 60 s
  EXPECT_NE(u->find("\nTimeoutStopSec=45s\nKillMode=mixed\n"), std::string::npos);
  EXPECT_EQ(read_back(*u, "ExecStart"),
            (std::vector<std::string>{"/usr/bin/headroom", "run", "--name", "srv", "--free", "2G",
                                      "--startup-timeout", "20m", "--no-lint", "--",
                                      "/usr/bin/sleep", "1000"}));
  EXPECT_TRUE(u->ends_with("\n[Install]\nWantedBy=multi-user.target\n"));
}

TEST(SystemdUnit, ADockerLineGetsTheUnitsNameAndItsCleanup) {
  ServerConfig c = server({"/usr/bin/docker", "run", "--rm", "img", "/bin/server"});
  UnitHost h = host();
  h.user = "llm";
  h.documentation = "https://example.com/srv";
  auto u = systemd_unit(SystemdUnitInput{c, h, "My server", false});
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_NE(u->find("Description=My server\nDocumentation=https://example.com/srv\n"
                    "After=network-online.target docker.service\n"
                    "Wants=network-online.target\nRequires=docker.service\n"),
            std::string::npos)
      << *u;
  EXPECT_EQ(read_back(*u, "ExecStartPre", "-"),
            (std::vector<std::string>{"/usr/bin/docker", "rm", "-f", "srv"}));
  EXPECT_EQ(read_back(*u, "ExecStopPost", "-"),
            (std::vector<std::string>{"/usr/bin/docker", "rm", "-f", "srv"}));
  EXPECT_EQ(read_back(*u, "ExecStart"),
            (std::vector<std::string>{"/usr/bin/headroom", "run", "--name", "srv", "--",
                                      "/usr/bin/docker", "run", "--name", "srv", "--rm", "img",
                                      "/bin/server"}));
  EXPECT_NE(u->find("\nUser=llm\n"), std::string::npos);
  EXPECT_NE(u->find("\nSupplementaryGroups=docker\n"), std::string::npos);
  // -d would leave the unit with nothing to supervise.
  c.command = {"/usr/bin/docker", "run", "-d", "img"};
  auto d = systemd_unit(SystemdUnitInput{c, host(), "", false});
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("drop -d"), std::string::npos);
}

TEST(SystemdUnit, PlainMapsRunsOptionsToSystemdsDirectives) {
  ServerConfig c = server({"/usr/bin/sleep", "1000"});
  c.flags = {{"--free", "2G", true},         {"--burst", "5", false},
             {"--within", "30m", false},     {"--stop-timeout", "2m", false},
             {"--restart", "always", false}, {"--stop-signal", "int", false}};
  c.burst = 5;
  c.within = 30min;
  c.stop_timeout = 2min;
  c.restart = RestartMode::kAlways;
  auto u = systemd_unit(SystemdUnitInput{c, host(), "", true});
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_TRUE(u->starts_with("# Written by headroom ")) << *u;
  EXPECT_NE(u->find(" (headroom unit --plain).\n"), std::string::npos);
  for (const char* line :
       {"\nDescription=srv, gated by headroom wait\n", "\nStartLimitIntervalSec=1800s\n",
        "\nStartLimitBurst=5\n", "\nType=exec\n", "\nRestart=always\n", "\nRestartSec=10\n",
        "\nTimeoutStartSec=420s\n", "\nKillSignal=SIGINT\n", "\nTimeoutStopSec=135s\n",
        "\nOOMPolicy=stop\n"}) {
    EXPECT_NE(u->find(line), std::string::npos) << line << *u;
  }
  EXPECT_EQ(read_back(*u, "ExecStartPre"),
            (std::vector<std::string>{"/usr/bin/headroom", "wait", "--free", "2G"}));
  EXPECT_EQ(read_back(*u, "ExecStart"), (std::vector<std::string>{"/usr/bin/sleep", "1000"}));
  // What systemd cannot do is refused, by name.
  c.flags.push_back({"--health", "http://127.0.0.1:1/health", false});
  auto h = systemd_unit(SystemdUnitInput{c, host(), "", true});
  ASSERT_FALSE(h);
  EXPECT_NE(h.error().message.find("--plain has no counterpart for --health"), std::string::npos)
      << h.error().message;
  c.flags = {{"--restart", "sometimes", false}};
  c.restart = std::nullopt;
  auto r = systemd_unit(SystemdUnitInput{c, host(), "", true});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "--restart sometimes: no, on-failure or always");
}

TEST(SystemdUnit, TheTemplateKeepsItsSpecifiers) {
  const std::string u = template_unit(host());
  EXPECT_NE(u.find("\nExecStart=/usr/bin/headroom run --config /etc/headroom/%i.toml --name %i\n"),
            std::string::npos)
      << u;
  EXPECT_NE(u.find("\nTimeoutStartSec=2160s\n"), std::string::npos);  // 300 s + 30 min + 60 s
  EXPECT_NE(u.find("\nDescription=%i, supervised by headroom\n"), std::string::npos);
}

TEST(SystemdUnit, TheChecksumTellsHeadroomsOwnTextFromAnEditedOne) {
  const std::string unit = "# Written by headroom\n[Unit]\nDescription=x\n";
  const std::string written = with_checksum(unit);
  EXPECT_TRUE(
      written.starts_with("# Written by headroom\n# headroom-checksum: " + checksum_of(unit)));
  EXPECT_TRUE(untouched(written));
  std::string edited = written;
  edited.replace(edited.find("=x"), 2, "=y");
  EXPECT_FALSE(untouched(edited));
  EXPECT_FALSE(untouched(unit));
}

}  // namespace
}  // namespace headroom::emit
