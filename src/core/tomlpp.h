// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// toml++ (Debian's libtomlplusplus-dev 3.3.0, header-only), configured once for every reader here:
// - errors as values (toml::parse_result), as every parser in headroom;
// - its internal assertions off in every build: they fire on bad input that the parser goes on to
//   report as an error (`[ = 1` asserts in parse_key, then says "expected bare key starting
//   character"; found by fuzz_run_config), and the error is what a user should get;
// - callers run core/toml_guard.h first: that version has undefined behaviour on some non-ASCII
//   input.
#pragma once

#define TOML_EXCEPTIONS 0
#define TOML_HEADER_ONLY 1
#define TOML_ASSERT(expr) static_assert(true)
#include <toml++/toml.h>
