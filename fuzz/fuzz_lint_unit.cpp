// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the systemd unit parser (sections, continuations, Exec*= words) and the
// unit rules behind it.
#include "fuzz_lint.h"
#include "lint/unit_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace headroom::lint;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const UnitParse p = parse_unit(text);
  for (const UnitEntry& e : p.unit.entries)
    (void)parse_exec(e);
  fuzz_lint(data, size, Kind::unit);
  return 0;
}
