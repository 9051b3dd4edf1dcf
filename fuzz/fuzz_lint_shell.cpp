// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the shell-words splitter in both syntaxes (shell, systemd), and the script
// reader with the docker and server rules behind it.
#include "fuzz_lint.h"
#include "lint/shell_words.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace headroom::lint;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (Syntax s : {Syntax::shell, Syntax::systemd}) {
    const SplitResult r = split_commands(text, s);
    for (const RawCommand& c : r.commands) {
      for (const RawWord& w : c.words) {
        if (w.begin > w.end || w.end > size) std::abort();
      }
    }
    if (r.error && r.error->offset >= size) std::abort();
  }
  fuzz_lint(data, size, Kind::shell);
  return 0;
}
