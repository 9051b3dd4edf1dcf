// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The one type every lint rule produces and every formatter prints (hadolint's and ShellCheck's
// split: rules over one finding type, formatters over a list of them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace headroom::lint {

enum class Severity { info, warning, error };

std::string_view severity_name(Severity s);  // "info", "warning", "error"
std::optional<Severity> parse_severity(std::string_view s);

// 1-based line and column (bytes); line 0 means "the whole file".
struct Pos {
  uint32_t line = 0;
  uint32_t col = 0;
  friend bool operator==(const Pos&, const Pos&) = default;
};

struct Span {
  Pos begin;
  Pos end;  // inclusive of the last character
};

struct Finding {
  std::string file;
  Span span;
  // The first line of the statement the finding belongs to (a continued docker line, a unit key,
  // a compose service): an ignore pragma on the line before it covers the whole statement.
  uint32_t stmt_line = 0;
  Severity severity = Severity::warning;
  std::string code;  // "HR101"
  std::string message;
  std::string fix;     // one line: what to do instead
  bool counts = true;  // fails the run at its severity (RuleInfo::counts)
};

// Input the linter cannot read (exit 2): where, and what is wrong.
struct InputError {
  Pos pos;
  std::string message;
};

}  // namespace headroom::lint
