// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/text.h"

#include <charconv>

namespace headroom {

std::optional<uint64_t> parse_u64(std::string_view s) {
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    if (__builtin_mul_overflow(v, 10ULL, &v) ||
        __builtin_add_overflow(v, static_cast<uint64_t>(c - '0'), &v)) {
      return std::nullopt;
    }
  }
  return v;
}

std::optional<double> parse_decimal(std::string_view s) {
  const size_t dot = s.find('.');
  const std::string_view int_part = s.substr(0, dot);
  const std::string_view frac_part =
      dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  if (int_part.empty() || (dot != std::string_view::npos && frac_part.empty())) return std::nullopt;
  if (!parse_u64(int_part)) return std::nullopt;
  for (char c : frac_part) {
    if (!is_digit(c)) return std::nullopt;
  }
  // The double nearest the text ("0.7" is 0.7, not 0.7000000000000001 as digit-by-digit sums
  // give), without the locale strtod would read.
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string_view next_word(std::string_view& s) {
  size_t i = 0;
  while (i < s.size() && is_space(s[i]))
    ++i;
  size_t j = i;
  while (j < s.size() && !is_space(s[j]))
    ++j;
  const std::string_view word = s.substr(i, j - i);
  s.remove_prefix(j);
  return word;
}

bool is_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    uint32_t cp = 0;
    if (b < 0x80) {
      ++i;
      continue;
    } else if ((b & 0xe0) == 0xc0) {
      len = 2;
      cp = b & 0x1f;
    } else if ((b & 0xf0) == 0xe0) {
      len = 3;
      cp = b & 0x0f;
    } else if ((b & 0xf8) == 0xf0) {
      len = 4;
      cp = b & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

}  // namespace headroom
