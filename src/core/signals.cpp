// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/signals.h"

#include <fmt/format.h>
#include <signal.h>
#include <string.h>

#include "core/text.h"

namespace headroom {

Result<int> parse_signal(std::string_view text) {
  std::string_view t = trim(text);
  if (auto n = parse_u64(t); n) {
    if (*n >= 1 && *n < static_cast<uint64_t>(NSIG)) return static_cast<int>(*n);
  } else {
    if (t.size() > 3 && iequals(t.substr(0, 3), "SIG")) t.remove_prefix(3);
    for (int sig = 1; sig < NSIG; ++sig) {
      const char* name = ::sigabbrev_np(sig);
      if (name != nullptr && iequals(t, name)) return sig;
    }
  }
  return make_error(
      fmt::format("signal \"{}\": expected a name such as TERM, INT, QUIT or a number", text));
}

}  // namespace headroom
