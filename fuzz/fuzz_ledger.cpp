// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The files every headroom on a host reads from the others and from earlier runs: a pool ledger
// entry (act/pool_ledger) and a learned footprint (act/footprint). Any text: an error or a value
// that formats back to itself, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "act/footprint.h"
#include "act/pool_ledger.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto e = headroom::parse_entry(text)) {
    auto again = headroom::parse_entry(headroom::format_entry(*e));
    if (!again || !(*again == *e)) __builtin_trap();
  }
  if (auto f = headroom::parse_footprint(text)) {
    auto again = headroom::parse_footprint(headroom::format_footprint(*f));
    if (!again || again->peak != f->peak || again->command != f->command) __builtin_trap();
  }
  return 0;
}
