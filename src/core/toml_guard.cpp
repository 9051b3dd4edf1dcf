// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/toml_guard.h"

namespace headroom {
namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view t) : t_(t) {}
  bool done() const { return i_ >= t_.size(); }
  unsigned char peek(size_t ahead = 0) const {
    return i_ + ahead < t_.size() ? static_cast<unsigned char>(t_[i_ + ahead]) : 0;
  }
  bool starts(std::string_view s) const { return t_.substr(i_).starts_with(s); }
  void next() {
    const unsigned char c = peek();
    ++i_;
    if (c == '\n') {
      ++line_;
      col_ = 1;
    } else if ((c & 0xc0u) != 0x80u) {  // a continuation byte is part of the last character
      ++col_;
    }
  }
  void skip(size_t n) {
    for (size_t k = 0; k < n && !done(); ++k)
      next();
  }
  TomlGuardError error(std::string message) const { return {line_, col_, std::move(message)}; }

 private:
  std::string_view t_;
  size_t i_ = 0;
  uint32_t line_ = 1, col_ = 1;
};

}  // namespace

std::optional<TomlGuardError> toml_guard(std::string_view text) {
  Scanner s(text);
  // A quote opens a string only where TOML's grammar puts one (a key at the start of a line or
  // after `.`, `[`, `{` or `,`; a value after `=`, `[` or `,`). Elsewhere toml++ reads it as part
  // of a broken token, scanning on to a value terminator, and that scan asks the same question:
  // what follows such a quote is not inside a string here either.
  unsigned char last = '\n';  // the last character that was not a space or a tab
  auto opens_string = [&] {
    return std::string_view("\n=[{,.").find(static_cast<char>(last)) != std::string_view::npos;
  };
  while (!s.done()) {
    const unsigned char c = s.peek();
    if (c >= 0x80) {
      return s.error(
          "a non-ASCII character outside a string or comment (TOML allows them only in quoted "
          "strings and comments)");
    }
    if (c == '#') {
      while (!s.done() && s.peek() != '\n')
        s.next();
    } else if (s.starts("\"\"\"") && opens_string()) {  // multi-line basic string
      s.skip(3);
      while (!s.done() && !s.starts("\"\"\"")) {
        if (s.peek() != '\\') {
          s.next();
          continue;
        }
        s.next();  // the backslash; a line-ending one swallows whitespace and newlines
        while (!s.done() &&
               (s.peek() == ' ' || s.peek() == '\t' || s.peek() == '\r' || s.peek() == '\n')) {
          s.next();
        }
        if (s.peek() >= 0x80) {
          return s.error(
              "a non-ASCII character right after a backslash in a multi-line string (the TOML "
              "reader used here cannot read it safely; put it on the line of the backslash)");
        }
        s.next();  // the escaped character
      }
      s.skip(3);
      for (int extra = 0; extra < 2 && s.peek() == '"'; ++extra)
        s.next();  // `""""` ends with `"`
      last = '"';
    } else if (s.starts("\'\'\'") && opens_string()) {  // multi-line literal string: no escapes
      s.skip(3);
      while (!s.done() && !s.starts("\'\'\'"))
        s.next();
      s.skip(3);
      for (int extra = 0; extra < 2 && s.peek() == '\''; ++extra)
        s.next();
      last = '\'';
    } else if ((c == '"' || c == '\'') && opens_string()) {  // one-line strings end at the quote
      s.next();                                              // or at the end of the line
      while (!s.done() && s.peek() != c && s.peek() != '\n') {
        if (c == '"' && s.peek() == '\\') s.next();
        if (!s.done() && s.peek() != '\n') s.next();
      }
      if (s.peek() == c) s.next();
      last = c;
    } else {
      if (c != ' ' && c != '\t') last = c;
      s.next();
    }
  }
  return std::nullopt;
}

}  // namespace headroom
