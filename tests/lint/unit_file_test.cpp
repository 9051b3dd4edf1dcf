// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "lint/unit_file.h"

#include <gtest/gtest.h>

namespace headroom::lint {
namespace {

TEST(UnitFile, SectionsKeysAndContinuations) {
  const UnitParse p = parse_unit(
      "# comment\n[Unit]\nAfter=a.service \\\n  b.target\n\n[Service]\n; another\n"
      "ExecStart=/usr/bin/docker run \\\n# skipped inside a continuation\n    --rm img\n"
      "Environment=A=1\nEnvironment=\nEnvironment=B=2\n");
  ASSERT_FALSE(p.error) << p.error->message;
  const UnitFile& u = p.unit;
  ASSERT_NE(u.last("Unit", "After"), nullptr);
  EXPECT_EQ(u.last("Unit", "After")->value, "a.service  b.target");
  const UnitEntry* exec = u.last("Service", "ExecStart");
  ASSERT_NE(exec, nullptr);
  EXPECT_EQ(exec->line, 8u);
  EXPECT_EQ(exec->value, "/usr/bin/docker run  --rm img");
  // "--rm" is on line 10, column 5.
  const size_t rm = exec->value.find("--rm");
  EXPECT_EQ(exec->value_map.at(rm), (Pos{10, 5}));
  // An empty assignment resets a list.
  const auto env = u.all("Service", "Environment");
  ASSERT_EQ(env.size(), 1u);
  EXPECT_EQ(env[0]->value, "B=2");
  EXPECT_TRUE(u.has_section("Unit"));
  EXPECT_FALSE(u.has_section("Install"));
}

// What systemd reads past (conf-parser.c logs it and goes on) is an issue on its line, the rest
// still read; what makes systemd refuse the file (a broken section header) is an error.
TEST(UnitFile, WhatSystemdIgnoresIsAnIssueWhatItRefusesAnError) {
  auto issue = [](std::string_view text) {
    const UnitParse p = parse_unit(text);
    EXPECT_FALSE(p.error);
    EXPECT_EQ(p.unit.issues.size(), 1u) << text;
    return p.unit.issues.empty() ? UnitIssue{} : p.unit.issues.front();
  };
  EXPECT_EQ(issue("After=x\n[Unit]\n").span.begin, (Pos{1, 1}));
  EXPECT_NE(issue("After=x\n").message.find("After= stands before any [Section] header"),
            std::string::npos);
  const UnitIssue g = issue("[Unit]\n  garbage here\nDescription=x\n");
  EXPECT_EQ(g.code, "HR213");
  EXPECT_EQ(g.span.begin, (Pos{2, 3}));
  EXPECT_NE(g.message.find("is not Key=Value"), std::string::npos);
  EXPECT_EQ(parse_unit("[Unit]\n  garbage here\nDescription=x\n").unit.entries.size(), 1u);
  EXPECT_NE(issue("[Unit]\n=x\n").message.find("a key is missing before '='"), std::string::npos);
  const UnitParse cut = parse_unit("[Service]\nExecStart=/bin/a \\\n\n  --b\n");
  ASSERT_EQ(cut.unit.issues.size(), 2u);
  EXPECT_EQ(cut.unit.issues[0].code, "HR214");
  EXPECT_EQ(cut.unit.issues[0].span.begin.line, 3u);
  EXPECT_EQ(cut.unit.issues[1].code, "HR213");  // "--b", read as a line of its own
  EXPECT_EQ(cut.unit.last("Service", "ExecStart")->value, "/bin/a ");
  EXPECT_EQ(parse_unit("[Unit\n").error.value().message, "a section header must be written [Name]");
}

TEST(UnitFile, ExecPrefixesAndWords) {
  const UnitParse p = parse_unit("[Service]\nExecStartPre=-/usr/bin/docker rm -f \"my box\"\n");
  ASSERT_FALSE(p.error);
  const ExecParse e = parse_exec(*p.unit.last("Service", "ExecStartPre"));
  ASSERT_FALSE(e.error);
  ASSERT_EQ(e.commands.size(), 1u);
  const ExecCommand& c = e.commands[0];
  EXPECT_EQ(c.prefixes, "-");
  EXPECT_TRUE(c.ignore_failure());
  EXPECT_EQ(c.argv, (std::vector<std::string>{"/usr/bin/docker", "rm", "-f", "my box"}));
  EXPECT_EQ(c.spans[0].begin, (Pos{2, 15}));
  EXPECT_EQ(c.spans[3].begin, (Pos{2, 37}));
}

TEST(UnitFile, AnUnterminatedQuoteInExecIsAnError) {
  const UnitParse p = parse_unit("[Service]\nExecStart=/bin/x \"a b\n");
  const ExecParse e = parse_exec(*p.unit.last("Service", "ExecStart"));
  ASSERT_TRUE(e.error);
  EXPECT_EQ(e.error->pos, (Pos{2, 18}));
  EXPECT_EQ(e.error->message, "ExecStart= unterminated double quote");
}

}  // namespace
}  // namespace headroom::lint
