// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "lint/shell_words.h"

#include <gtest/gtest.h>

namespace headroom::lint {
namespace {

std::vector<std::vector<std::string>> words(std::string_view text, Syntax s = Syntax::shell) {
  SplitResult r = split_commands(text, s);
  EXPECT_FALSE(r.error) << r.error->message;
  std::vector<std::vector<std::string>> out;
  for (const RawCommand& c : r.commands) {
    out.emplace_back();
    for (const RawWord& w : c.words)
      out.back().push_back(w.text);
  }
  return out;
}

using V = std::vector<std::vector<std::string>>;

TEST(ShellWords, QuotesEscapesAndContinuations) {
  EXPECT_EQ(words("docker run \\\n  -e 'A=b c' \"--x=$HOME\" a\\ b img"),
            (V{{"docker", "run", "-e", "A=b c", "--x=$HOME", "a b", "img"}}));
}

TEST(ShellWords, SeparatorsCommentsAndRedirections) {
  EXPECT_EQ(words("a 1; b 2 && c 3 # d 4\ne 5 2>&1 | f"),
            (V{{"a", "1"}, {"b", "2"}, {"c", "3"}, {"e", "5", "2>&1"}, {"f"}}));
  EXPECT_EQ(words("echo a#b"), (V{{"echo", "a#b"}}));  // # inside a word is not a comment
}

TEST(ShellWords, SubstitutionsStayLiteralWithTheirInnerQuotes) {
  EXPECT_EQ(words("x \"$(cat \"f g\")\" ${A:-\"b\"} `date`"),
            (V{{"x", "$(cat \"f g\")", "${A:-\"b\"}", "`date`"}}));
}

TEST(ShellWords, HereDocumentsAreSkipped) {
  EXPECT_EQ(words("cat <<'EOF' > f\ndocker run --rm --restart always x\nEOF\nls"),
            (V{{"cat", "<<EOF", ">", "f"}, {"ls"}}));
  EXPECT_EQ(words("cat << END\nvllm serve m\nEND\nls"), (V{{"cat", "<<", "END"}, {"ls"}}));
}

TEST(ShellWords, OffsetsPointIntoTheInput) {
  const std::string text = "ab 'cd' e\\\nf";
  SplitResult r = split_commands(text, Syntax::shell);
  ASSERT_EQ(r.commands.size(), 1u);
  const auto& w = r.commands[0].words;
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[1].begin, 3u);
  EXPECT_EQ(w[1].end, 7u);
  EXPECT_TRUE(w[1].quoted);
  EXPECT_EQ(w[2].text, "ef");
  EXPECT_EQ(text.substr(w[2].begin, w[2].end - w[2].begin), "e\\\nf");
}

TEST(ShellWords, UnterminatedQuotesAreErrorsAtTheOpeningQuote) {
  SplitResult r = split_commands("docker run \"--x img", Syntax::shell);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->offset, 11u);
  EXPECT_EQ(r.error->message, "unterminated double quote");
  EXPECT_EQ(split_commands("a 'b", Syntax::shell).error->message, "unterminated single quote");
  EXPECT_EQ(split_commands("a $(b", Syntax::shell).error->message,
            "unterminated $( command substitution");
  EXPECT_EQ(split_commands("a `b", Syntax::shell).error->offset, 2u);
}

TEST(ShellWords, SystemdSyntaxUnescapesAndSplitsOnALoneSemicolon) {
  EXPECT_EQ(words(R"(/bin/echo "a b" 'c\"d' e\sf \x41\102 ; /bin/true x;y)", Syntax::systemd),
            (V{{"/bin/echo", "a b", "c\"d", "e f", "AB"}, {"/bin/true", "x;y"}}));
  // No comments and no shell separators in systemd's syntax.
  EXPECT_EQ(words("a # b && c", Syntax::systemd), (V{{"a", "#", "b", "&&", "c"}}));
  EXPECT_EQ(split_commands("a \"b", Syntax::systemd).error->offset, 2u);
}

TEST(ShellWords, ABackslashAtTheEndStaysInsideTheInput) {  // found by fuzz_lint_shell
  SplitResult r = split_commands("a b\\", Syntax::shell);
  ASSERT_EQ(r.commands.at(0).words.size(), 2u);
  EXPECT_EQ(r.commands[0].words[1].text, "b\\");
  EXPECT_EQ(r.commands[0].words[1].end, 4u);
}

TEST(ShellWords, ALongLineIsLinear) {
  std::string text = "docker run " + std::string(10u << 20, 'a') + " img";
  SplitResult r = split_commands(text, Syntax::shell);
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.commands.at(0).words.size(), 4u);
  EXPECT_EQ(r.commands[0].words[2].text.size(), 10u << 20);
}

}  // namespace
}  // namespace headroom::lint
