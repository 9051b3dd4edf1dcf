// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// A check before toml++ reads a file: Debian bookworm's toml++ 3.3.0 reaches
// __builtin_unreachable() (undefined behaviour: a crash, or worse, in a release build) when it
// asks whether a non-ASCII character is whitespace and the character lies in certain ranges
// (U+00A1..U+0499, for one: `σ = 1`; marzer/tomlplusplus#190 and #295, fixed upstream by #305,
// after 3.3.0). It asks that outside strings and comments, inside a broken value (`x =2p+e="σ`),
// and in a multi-line basic string after a backslash. TOML 1.0 allows non-ASCII characters only
// in strings and comments anyway, so the rest are refused here with a position, before the
// parser sees them; the one valid form refused is a non-ASCII character right after a
// line-ending backslash. Found by fuzz_run_config; see tests/core/toml_guard_test.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace headroom {

struct TomlGuardError {
  uint32_t line = 0, column = 0;  // 1-based; the column counts characters, as toml++'s do
  std::string message;
};

std::optional<TomlGuardError> toml_guard(std::string_view text);

}  // namespace headroom
