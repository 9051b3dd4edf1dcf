// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// core/text.h: the UTF-8 check that guards what goes into YAML and TOML (headroom unit
// --kubernetes), against RFC 3629's well-formed byte sequences.
#include "core/text.h"

#include <gtest/gtest.h>

#include <string>

namespace headroom {
namespace {

TEST(Utf8, WellFormedTextPasses) {
  EXPECT_TRUE(is_utf8(""));
  EXPECT_TRUE(is_utf8("plain ascii \t\n\x7f"));
  EXPECT_TRUE(is_utf8("ünïcødé"));               // two-byte forms
  EXPECT_TRUE(is_utf8("\xe2\x82\xac"));          // U+20AC, three bytes
  EXPECT_TRUE(is_utf8("\xf0\x9f\x98\x80"));      // U+1F600, four bytes
  EXPECT_TRUE(is_utf8("\xf4\x8f\xbf\xbf"));      // U+10FFFF, the last code point
  EXPECT_TRUE(is_utf8(std::string("a\0b", 3)));  // NUL is a character
}

TEST(Utf8, MalformedBytesAreRefused) {
  EXPECT_FALSE(is_utf8("\xff"));                  // never in UTF-8
  EXPECT_FALSE(is_utf8("\x80"));                  // a continuation byte alone
  EXPECT_FALSE(is_utf8("\xc3"));                  // cut short at the end
  EXPECT_FALSE(is_utf8("\xc3(x"));                // a lead byte without its continuation
  EXPECT_FALSE(is_utf8("\xc0\xaf"));              // overlong '/'
  EXPECT_FALSE(is_utf8("\xe0\x80\xaf"));          // overlong, three bytes
  EXPECT_FALSE(is_utf8("\xed\xa0\x80"));          // U+D800, a surrogate
  EXPECT_FALSE(is_utf8("\xf4\x90\x80\x80"));      // above U+10FFFF
  EXPECT_FALSE(is_utf8("\xf8\x88\x80\x80\x80"));  // five-byte forms are gone
}

}  // namespace
}  // namespace headroom
