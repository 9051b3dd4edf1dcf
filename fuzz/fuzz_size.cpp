// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the size, duration and --gone parsers, fed what users type.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/duration.h"
#include "core/size.h"
#include "probe/gone.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace headroom;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (BareNumber bare : {BareNumber::kReject, BareNumber::kBytes, BareNumber::kGibibytes}) {
    auto spec = parse_size_spec(text, bare);
    if (spec) (void)spec->resolve(125489508ULL * 1024);
  }
  auto d = parse_duration(text);
  if (d) (void)format_duration(*d);
  (void)parse_gone_spec(text);
  return 0;
}
