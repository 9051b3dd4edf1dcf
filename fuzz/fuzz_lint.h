// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Shared by the lint fuzz targets: lint the input as one kind, print it in every format, and
// check that what comes out points inside the input.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lint/format.h"
#include "lint/lint.h"

namespace headroom::lint {

inline void fuzz_lint(const uint8_t* data, size_t size, Kind kind) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckOptions opt;
  opt.unit_root = "/nonexistent";  // no file system look-ups in the loop
  const FileReport r = lint_text("fuzz", text, kind, opt, Config{});
  const auto lines = static_cast<uint32_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (const Finding& f : r.findings) {
    if (f.span.begin.line > lines || f.span.end.line > lines) std::abort();
  }
  if (r.error && r.error->pos.line > lines) std::abort();
  for (Format fmt : {Format::tty, Format::json, Format::sarif, Format::gcc, Format::checkstyle}) {
    (void)format_reports({r}, fmt, true, "fuzz");
  }
}

}  // namespace headroom::lint
