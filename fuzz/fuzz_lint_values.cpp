// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the shell value model (lint/shell_values.h) and compose interpolation. The
// input is a script, then after a line "---" the file it sources (and a compose file's .env):
// each read as a script and as a compose file with the other beside it, and every line's
// references substituted on their own.
#include "fuzz_lint.h"
#include "lint/shell_values.h"
#include "lint/source_map.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace headroom::lint;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t cut = input.find("\n---\n");
  const std::string_view script = input.substr(0, cut);
  const std::string beside(cut == std::string_view::npos ? "" : input.substr(cut + 5));
  CheckOptions opt;
  opt.unit_root = "/nonexistent";
  opt.read_beside = [&](const std::string&) -> std::optional<std::string> { return beside; };
  const auto lines = static_cast<uint32_t>(std::count(script.begin(), script.end(), '\n')) + 1;
  for (Kind kind : {Kind::shell, Kind::compose}) {
    const FileReport r = lint_text("dir/fuzz", script, kind, opt, Config{});
    for (const Finding& f : r.findings) {
      if (f.span.begin.line > lines || f.span.end.line > lines) std::abort();
    }
  }
  const SourceMap map = SourceMap::of_text(beside);
  ShellVars vars(beside, map);
  vars.assign_sourced(beside, "fuzz.env");
  size_t start = 0;
  while (start <= script.size()) {
    const size_t end = std::min(script.find('\n', start), script.size());
    (void)vars.substitute(script.substr(start, end - start));
    (void)vars.origin_of(script.substr(start, end - start));
    start = end + 1;
  }
  fuzz_lint(data, cut == std::string_view::npos ? size : cut, Kind::shell);
  return 0;
}
