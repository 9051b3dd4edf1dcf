#include "core/text.h"

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
  auto i = parse_u64(int_part);
  if (!i) return std::nullopt;
  double v = static_cast<double>(*i);
  double scale = 0.1;
  for (char c : frac_part) {
    if (!is_digit(c)) return std::nullopt;
    v += scale * (c - '0');
    scale /= 10.0;
  }
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

}  // namespace headroom
