// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Sizes: one parser and one formatter for every command.
//
// Conventions (DESIGN.md): 70G = 70 GiB, 70GB = 70 * 10^9 bytes, 70% = 70 % of the pool.
// K/M/G/T/P and their Ki/KiB spellings are binary; KB/MB/GB/TB/PB are decimal. Units are
// case-insensitive. Fractions are allowed ("1.5G"); signs and exponents are not.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace headroom {

inline constexpr uint64_t kKiB = 1024;
inline constexpr uint64_t kMiB = 1024 * kKiB;
inline constexpr uint64_t kGiB = 1024 * kMiB;
inline constexpr uint64_t kTiB = 1024 * kGiB;

// What a number without a unit means where it is parsed.
enum class BareNumber {
  kReject,     // "--free 70" is ambiguous: ask for a unit
  kBytes,      // like systemd's MemoryMax=
  kGibibytes,  // the seed script's positional form: `headroom wait 70 300` (it used `free -g`)
};

// An absolute size or a share of the pool, resolved once the pool's total is known.
struct SizeSpec {
  enum class Kind { kBytes, kPercent };
  Kind kind = Kind::kBytes;
  uint64_t bytes = 0;    // when kind == kBytes
  double percent = 0.0;  // when kind == kPercent, 0..100

  static SizeSpec of_bytes(uint64_t b) { return SizeSpec{Kind::kBytes, b, 0.0}; }
  static SizeSpec of_percent(double p) { return SizeSpec{Kind::kPercent, 0, p}; }

  uint64_t resolve(uint64_t pool_total) const;
  std::string str() const;  // "70.0 GiB" or "60% of the pool"
  bool operator==(const SizeSpec&) const = default;
};

// "70G", "70GB", "600M", "1.5GiB", "60%". The error names the text and the problem.
Result<SizeSpec> parse_size_spec(std::string_view text, BareNumber bare);

// Absolute sizes only (no percent).
Result<uint64_t> parse_size(std::string_view text, BareNumber bare);

// "23.5 GiB", "429 MiB", "512 B": binary units, three significant digits.
std::string format_bytes(uint64_t bytes);

// Same, with a sign, for differences: "-1.2 GiB".
std::string format_signed_bytes(int64_t bytes);

}  // namespace headroom
