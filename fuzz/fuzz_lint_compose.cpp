// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the compose reader (yaml-cpp) and the container rules behind it.
#include "fuzz_lint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  headroom::lint::fuzz_lint(data, size, headroom::lint::Kind::compose);
  return 0;
}
