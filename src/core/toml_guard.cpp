// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/toml_guard.h"

#include <vector>

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

TomlGuardError outside(const Scanner& s) {
  return s.error(
      "a non-ASCII character outside a string or comment (TOML allows them only in quoted "
      "strings and comments)");
}

// Skips one string that starts here (any of TOML's four kinds). Non-ASCII characters inside it
// pass, except the one place toml++ asks "whitespace?" about them: right after a backslash in a
// multi-line basic string, and after the whitespace a line-ending backslash swallows.
std::optional<TomlGuardError> skip_string(Scanner& s) {
  const unsigned char q = s.peek();
  const bool multi = q == '"' ? s.starts("\"\"\"") : s.starts("'''");
  if (!multi) {  // one-line strings end at the quote or at the end of the line
    s.next();
    while (!s.done() && s.peek() != q && s.peek() != '\n') {
      if (q == '"' && s.peek() == '\\') s.next();
      if (!s.done() && s.peek() != '\n') s.next();
    }
    if (s.peek() == q) s.next();
    return std::nullopt;
  }
  const std::string_view close = q == '"' ? "\"\"\"" : "'''";
  s.skip(3);
  while (!s.done() && !s.starts(close)) {
    if (q == '\'' || s.peek() != '\\') {
      s.next();
      continue;
    }
    s.next();  // the backslash; a line-ending one swallows whitespace and newlines
    bool swallowed = false;
    while (!s.done() &&
           (s.peek() == ' ' || s.peek() == '\t' || s.peek() == '\r' || s.peek() == '\n')) {
      s.next();
      swallowed = true;
    }
    if (s.peek() >= 0x80) {
      return s.error(
          "a non-ASCII character right after a backslash in a multi-line string (the TOML "
          "reader used here cannot read it safely; put it on the line of the backslash)");
    }
    if (!swallowed) s.next();  // the escaped character; after swallowed lines, an ordinary one
  }
  s.skip(3);
  for (int extra = 0; extra < 2 && s.peek() == q; ++extra)
    s.next();  // `""""` ends with `"`
  return std::nullopt;
}

bool bare_key_char(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool value_terminator(unsigned char c) {  // toml++'s is_value_terminator, for ASCII
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ']' || c == '}' || c == ',' ||
         c == '#';
}

}  // namespace

// A quote opens a string only where TOML's grammar puts one: a key (at the start of a line, in a
// table header, after `.`, or after `{` or `,` in an inline table) or a value (after `=`, or
// after `[` or `,` in an array). Anywhere else toml++ reads it as part of a broken token and scans
// on to a value terminator, asking "whitespace?" about each character (`x =2p+e="é` reached
// __builtin_unreachable() that way), so a quote there is an ordinary character here too, and a
// non-ASCII character after it is refused. The grammar is followed just far enough to know which
// is which: where the text is not TOML, toml++ stops at its first error, and this errs on the side
// of refusing.
std::optional<TomlGuardError> toml_guard(std::string_view text) {
  Scanner s(text);
  enum class Expect { Key, KeyEnd, Value, After } expect = Expect::Key;
  std::vector<unsigned char> open;  // `[` an array, `{` an inline table
  bool header = false;              // inside `[table]` or `[[table]]`
  while (!s.done()) {
    const unsigned char c = s.peek();
    if (c >= 0x80) return outside(s);
    if (c == '#') {
      while (!s.done() && s.peek() != '\n')
        s.next();
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      s.next();
      continue;
    }
    if (c == '\n') {  // a new line starts a key, except inside an array
      s.next();
      if (open.empty()) {
        expect = Expect::Key;
        header = false;
      }
      continue;
    }
    const bool in_array = !open.empty() && open.back() == '[';
    const bool in_table = !open.empty() && open.back() == '{';
    switch (expect) {
      case Expect::Key:
        if (c == '"' || c == '\'') {
          if (auto e = skip_string(s)) return e;
          expect = Expect::KeyEnd;
        } else if (bare_key_char(c)) {
          while (bare_key_char(s.peek()))
            s.next();
          expect = Expect::KeyEnd;
        } else if (c == '[' && open.empty() && !header) {
          s.next();
          if (s.peek() == '[') s.next();
          header = true;
        } else if (c == '}' && in_table) {  // `{}`
          s.next();
          open.pop_back();
          expect = Expect::After;
        } else {
          s.next();
          expect = Expect::After;
        }
        break;
      case Expect::KeyEnd:
        s.next();
        if (c == '.') {
          expect = Expect::Key;
        } else if (c == '=' && !header) {
          expect = Expect::Value;
        } else {
          if (c == ']' && header && s.peek() == ']') s.next();
          header = false;
          expect = Expect::After;
        }
        break;
      case Expect::Value:
        if (c == '"' || c == '\'') {
          if (auto e = skip_string(s)) return e;
          expect = Expect::After;
        } else if (c == '[' || c == '{') {
          s.next();
          open.push_back(c);
          expect = c == '[' ? Expect::Value : Expect::Key;
        } else if (c == ']' && in_array) {  // `[]`, or `[1,]`
          s.next();
          open.pop_back();
          expect = Expect::After;
        } else {  // a bare value (number, boolean, date): up to a value terminator, quotes and all
          while (!s.done() && !value_terminator(s.peek())) {
            if (s.peek() >= 0x80) return outside(s);
            s.next();
          }
          expect = Expect::After;
        }
        break;
      case Expect::After:
        s.next();
        if (c == ',' && (in_array || in_table)) {
          expect = in_array ? Expect::Value : Expect::Key;
        } else if ((c == ']' && in_array) || (c == '}' && in_table)) {
          open.pop_back();
        }
        break;
    }
  }
  return std::nullopt;
}

}  // namespace headroom
