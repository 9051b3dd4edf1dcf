// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/size.h"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <limits>

#include "core/text.h"

namespace headroom {
namespace {

struct Unit {
  std::string_view name;
  uint64_t multiplier;
};

// Lower-case spellings; matching is case-insensitive.
constexpr std::array<Unit, 23> kUnits{{
    {"b", 1},
    {"k", kKiB},
    {"ki", kKiB},
    {"kib", kKiB},
    {"kb", 1000ULL},
    {"m", kMiB},
    {"mi", kMiB},
    {"mib", kMiB},
    {"mb", 1000ULL * 1000},
    {"g", kGiB},
    {"gi", kGiB},
    {"gib", kGiB},
    {"gb", 1000ULL * 1000 * 1000},
    {"t", kTiB},
    {"ti", kTiB},
    {"tib", kTiB},
    {"tb", 1000ULL * 1000 * 1000 * 1000},
    {"p", kTiB * 1024},
    {"pi", kTiB * 1024},
    {"pib", kTiB * 1024},
    {"pb", 1000ULL * 1000 * 1000 * 1000 * 1000},
    {"byte", 1},
    {"bytes", 1},
}};

// A decimal number split into its integer part and up to 9 fraction digits.
struct Decimal {
  uint64_t integer = 0;
  uint64_t fraction = 0;  // the digits after the point, as an integer
  uint64_t scale = 1;     // 10^(number of fraction digits kept)
};

Result<Decimal> split_decimal(std::string_view digits, std::string_view whole) {
  Decimal d;
  size_t i = 0;
  bool any = false;
  for (; i < digits.size() && is_digit(digits[i]); ++i) {
    any = true;
    if (__builtin_mul_overflow(d.integer, 10ULL, &d.integer) ||
        __builtin_add_overflow(d.integer, static_cast<uint64_t>(digits[i] - '0'), &d.integer)) {
      return make_error(fmt::format("size \"{}\" is too large", whole));
    }
  }
  if (i < digits.size() && digits[i] == '.') {
    ++i;
    for (; i < digits.size() && is_digit(digits[i]); ++i) {
      any = true;
      if (d.scale < 1'000'000'000ULL) {  // keep 9 digits; the rest is below a byte at any unit
        d.fraction = d.fraction * 10 + static_cast<uint64_t>(digits[i] - '0');
        d.scale *= 10;
      }
    }
  }
  if (!any || i != digits.size()) {
    return make_error(fmt::format("size \"{}\" is not a number", whole));
  }
  return d;
}

}  // namespace

uint64_t SizeSpec::resolve(uint64_t pool_total) const {
  if (kind == Kind::kBytes) return bytes;
  const long double v =
      static_cast<long double>(pool_total) * static_cast<long double>(percent) / 100.0L;
  if (v >= static_cast<long double>(std::numeric_limits<uint64_t>::max())) {
    return std::numeric_limits<uint64_t>::max();
  }
  return static_cast<uint64_t>(std::ceil(v));
}

std::string SizeSpec::str() const {
  if (kind == Kind::kBytes) return format_bytes(bytes);
  return fmt::format("{:g}% of the pool", percent);
}

Result<SizeSpec> parse_size_spec(std::string_view text, BareNumber bare) {
  const std::string_view t = trim(text);
  if (t.empty()) return make_error("empty size");
  if (t.front() == '-') {
    return make_error(fmt::format("size \"{}\" is negative", text));
  }
  if (t.front() == '+') {
    return make_error(fmt::format("size \"{}\": write it without a sign", text));
  }
  size_t end = 0;
  while (end < t.size() && (is_digit(t[end]) || t[end] == '.'))
    ++end;
  const std::string_view number = t.substr(0, end);
  const std::string_view unit = trim(t.substr(end));

  auto dec = split_decimal(number, text);
  if (!dec) return dec.error();

  if (unit == "%") {
    const double pct = static_cast<double>(dec->integer) +
                       static_cast<double>(dec->fraction) / static_cast<double>(dec->scale);
    if (pct > 100.0) {
      return make_error(fmt::format("size \"{}\": a share of the pool cannot exceed 100%", text));
    }
    return SizeSpec::of_percent(pct);
  }

  uint64_t multiplier = 0;
  if (unit.empty() && dec->integer == 0 && dec->fraction == 0) {
    return SizeSpec::of_bytes(0);  // zero is zero in every unit: it needs none
  }
  if (unit.empty()) {
    switch (bare) {
      case BareNumber::kReject:
        return make_error(
            fmt::format("size \"{}\" has no unit: write {}G (GiB), {}GB (10^9 bytes) or {}%", text,
                        number, number, number));
      case BareNumber::kBytes:
        multiplier = 1;
        break;
      case BareNumber::kGibibytes:
        multiplier = kGiB;
        break;
    }
  } else {
    for (const Unit& u : kUnits) {
      if (iequals(unit, u.name)) {
        multiplier = u.multiplier;
        break;
      }
    }
    if (multiplier == 0) {
      return make_error(fmt::format(
          "size \"{}\": unknown unit \"{}\" (use K, M, G, T for KiB..TiB, KB, MB, GB, TB for "
          "powers of 10, or %)",
          text, unit));
    }
  }

  uint64_t bytes = 0;
  if (__builtin_mul_overflow(dec->integer, multiplier, &bytes)) {
    return make_error(fmt::format("size \"{}\" is too large", text));
  }
  // fraction * multiplier / scale, without overflowing: multiplier <= 2^50, fraction < 10^9.
  __extension__ typedef unsigned __int128 u128;
  const u128 frac = static_cast<u128>(dec->fraction) * multiplier / dec->scale;
  if (__builtin_add_overflow(bytes, static_cast<uint64_t>(frac), &bytes)) {
    return make_error(fmt::format("size \"{}\" is too large", text));
  }
  return SizeSpec::of_bytes(bytes);
}

Result<uint64_t> parse_size(std::string_view text, BareNumber bare) {
  auto spec = parse_size_spec(text, bare);
  if (!spec) return spec.error();
  if (spec->kind == SizeSpec::Kind::kPercent) {
    return make_error(fmt::format("size \"{}\": a percentage is not allowed here", text));
  }
  return spec->bytes;
}

std::string format_bytes(uint64_t bytes) {
  static constexpr std::array<std::string_view, 6> kNames{"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < kKiB) return fmt::format("{} B", bytes);
  double v = static_cast<double>(bytes);
  size_t u = 0;
  while (v >= 1024.0 && u + 1 < kNames.size()) {
    v /= 1024.0;
    ++u;
  }
  // Three significant digits: 1.23 GiB, 12.3 GiB, 123 GiB.
  if (v >= 99.95) return fmt::format("{:.0f} {}", v, kNames[u]);
  if (v >= 9.995) return fmt::format("{:.1f} {}", v, kNames[u]);
  return fmt::format("{:.2f} {}", v, kNames[u]);
}

std::string format_signed_bytes(int64_t bytes) {
  if (bytes < 0) {
    // fmt rather than "-" + std::string: GCC 12 and 13 at -O3 report a false -Wrestrict inside
    // std::operator+(const char*, std::string&&) (GCC bug 105651).
    return fmt::format("-{}", format_bytes(static_cast<uint64_t>(-(bytes + 1)) + 1));
  }
  return format_bytes(static_cast<uint64_t>(bytes));
}

}  // namespace headroom
