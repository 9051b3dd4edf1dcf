// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// toml_guard: what Debian's toml++ 3.3.0 cannot read without undefined behaviour is refused with a
// position; what it reads safely (non-ASCII in strings and comments) passes. The refused inputs
// were each seen to reach __builtin_unreachable() under UBSan in toml++ itself.
#include "core/toml_guard.h"

#include <gtest/gtest.h>

namespace headroom {
namespace {

TEST(TomlGuard, NonAsciiInStringsAndCommentsPasses) {
  for (const char* ok : {"a = \"σ\"\n",
                         "a = \"\"\"σ\n σ\"\"\"\n",
                         "# σ\na = 1\n",
                         "a = 'σ'\n",
                         "a = '''σ\nσ'''\n",
                         "a = \"\\u03c3 σ\"\n",
                         "a = \"\"\"x\\nσ\"\"\"\n",
                         "a = \"\"\"x\"\"\"\"\nb = 1\n",
                         "a = \"unterminated σ\nb = 1\n",
                         "[\"σ\".\"σ\"]\n",
                         "a = [\"σ\",\n  'σ']\n",
                         "\"σ\" = { \"σ\" = \"σ\" }\n",
                         "a=\"σ\"\n",
                         "a.'σ'.\"σ\"=1\n",
                         "[[\"σ\"]]\n",
                         "a = [[\"σ\"], {b = \"σ\", c = [\"σ\"]}, [], {}]\n",
                         "a = [ # σ\n  1, # σ\n  \"σ\",\n]\n",
                         "d = 1979-05-27 07:32:00Z # σ\ne = \"σ\"\n",
                         "a = 1 # \"σ\n\"σ\" = 2\n",
                         ""}) {
    EXPECT_FALSE(toml_guard(ok).has_value()) << ok;
  }
}

TEST(TomlGuard, WhatTheParserCannotReadIsRefusedWithAPosition) {
  struct Case {
    const char* text;
    uint32_t line, column;
  };
  for (const Case& c :
       {Case{"σ = 1\n", 1, 1}, Case{"[σ]\n", 1, 2}, Case{"a = 1σ\n", 1, 6},
        Case{"a = [1,σ]\n", 1, 8}, Case{"a = {b=1σ}\n", 1, 9}, Case{"a = true σ\n", 1, 10},
        Case{"a = 2024-01-01σ\n", 1, 15}, Case{"# ok\nx = \"σ\" σ\n", 2, 9},
        Case{"a = \"\"\"x \\\n   σ\"\"\"\n", 2, 4}, Case{"a = \"\"\"\\σ\"\"\"\n", 1, 9},
        Case{"a = \"\"\"x\"\"\"\"σ\n", 1, 13}, Case{"f\xcf\x83:", 1, 2},
        // A quote where no string can start: toml++ scans it as a broken token.
        Case{"free2p =+\"yS\xd1\x9di\"\n", 1, 13}, Case{"a = \"x\"y\"σ\"\n", 1, 10},
        Case{"a = 1\"σ\"\n", 1, 7},
        // `=` inside a broken value is not a key's `=`: the quote after it opens nothing.
        Case{"fraefr =2p+ee=\"1B\xc7\xbd\"\n", 1, 18}, Case{"a = [1 \"σ\"]\n", 1, 9},
        Case{"a = {b = 1 \"σ\"}\n", 1, 13}, Case{"[a]] \"σ\"\n", 1, 7},
        // After a line-ending backslash the next character is not escaped: `\\` starts again.
        Case{"a = \"\"\"\\\n\\\\\\σ\"\"\"\n", 2, 4}}) {
    const auto e = toml_guard(c.text);
    ASSERT_TRUE(e.has_value()) << c.text;
    EXPECT_EQ(e->line, c.line) << c.text;
    EXPECT_EQ(e->column, c.column) << c.text;
    EXPECT_NE(e->message.find("non-ASCII"), std::string::npos);
  }
}

}  // namespace
}  // namespace headroom
