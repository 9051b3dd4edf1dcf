// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Small, allocation-free text helpers shared by every parser.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace headroom {

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

constexpr std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_space(s.back()))
    s.remove_suffix(1);
  return s;
}

constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

constexpr char ascii_upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
}

constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

// The last component of a path ("/usr/bin/docker" -> "docker").
constexpr std::string_view path_basename(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// What comes before it, with the slash ("dir/sub/x.sh" -> "dir/sub/"; "x.sh" -> "").
constexpr std::string_view path_directory(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash + 1);
}

// A whole string of decimal digits as an unsigned 64-bit value; nullopt on anything else,
// overflow included.
std::optional<uint64_t> parse_u64(std::string_view s);

// A decimal like "12.34" (what PSI prints); nullopt on anything else.
std::optional<double> parse_decimal(std::string_view s);

// Iterates over lines without allocating. `line_no` counts from 1. A final line without a
// newline is still a line; a trailing newline does not add an empty one.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : rest_(text) {}
  bool next(std::string_view& line) {
    if (rest_.empty()) return false;
    const size_t nl = rest_.find('\n');
    if (nl == std::string_view::npos) {
      line = rest_;
      rest_ = {};
    } else {
      line = rest_.substr(0, nl);
      rest_.remove_prefix(nl + 1);
    }
    ++line_no_;
    return true;
  }
  int line_no() const { return line_no_; }

 private:
  std::string_view rest_;
  int line_no_ = 0;
};

// Splits off the next whitespace-separated word; returns an empty view at the end.
std::string_view next_word(std::string_view& s);

// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
bool is_utf8(std::string_view s);

}  // namespace headroom
