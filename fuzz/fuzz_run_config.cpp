// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `headroom run --config FILE`: TOML into run's flags, each value checked against the flag's own
// definition (cli/config_file). Any input: an error value or flags, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cli/config_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = headroom::config_flags("fuzz.toml", text, {"--timeout"}, size % 2 == 0);
  if (r) {
    for (const std::string& f : r->flags) {
      // One word per flag, `--name` or `--name=value`: a value never stands alone, where the
      // command line's parser could take it for a flag of its own (evict = ["--config"]).
      if (!f.starts_with("--")) __builtin_trap();
      const std::string name = f.substr(0, f.find('='));
      if (name == "--timeout" || name == "--config") __builtin_trap();  // the command line's
    }
  }
  return 0;
}
