// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Output formats over one list of findings (FIELD.md section 5: hadolint's and ShellCheck's):
// tty (file:line:col: severity HRxxx: message, a fix, the rule's page; colour on a terminal),
// json, sarif (2.1.0), gcc and checkstyle.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lint/lint.h"

namespace headroom::lint {

enum class Format { tty, json, sarif, gcc, checkstyle };
std::optional<Format> parse_format(std::string_view s);

// Findings only; input errors are the caller's to print (stderr), except in SARIF, which
// carries them as tool notifications.
std::string format_reports(const std::vector<FileReport>& reports, Format format, bool colour,
                           std::string_view tool_version);

// "file:line:col" (or "file" for line 0).
std::string location(const std::string& file, Pos pos);

}  // namespace headroom::lint
