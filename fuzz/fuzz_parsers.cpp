// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: every parser of kernel memory files gets the same bytes. They must return a
// value or an error, never crash, hang, or read out of bounds (ASan+UBSan are on).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/sample.h"
#include "probe/parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace headroom;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  MemInfo mem;
  (void)parse_meminfo(text, mem);
  (void)parse_meminfo_fields(text);
  (void)parse_cgroup_limit(text);
  (void)parse_cgroup_value(text);
  const std::string_view keys[] = {"total_inactive_file", "inactive_file", "oom_kill"};
  uint64_t values[3] = {};
  unsigned found = 0;
  (void)parse_flat_keyed(text, keys, values, 3, &found);
  PsiSample psi;
  (void)parse_psi(text, psi);
  (void)parse_mounts(text);
  (void)parse_proc_cgroup(text);
  return 0;
}
