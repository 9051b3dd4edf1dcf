// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The lint engine: a file's text in, its findings out (after the file's pragmas and the
// configuration have had their say). The rules live in rules_*.cpp, the formats in format.h.
//
// Pragmas, in any comment (#, or ; in units):
//   # headroom: ignore=HR202,HR203 reason     on the line before a statement, or on its line
//   # headroom: global ignore=HR105 reason    for the whole file
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lint/config.h"
#include "lint/document.h"
#include "lint/finding.h"
#include "lint/rules.h"

namespace headroom::lint {

struct FileReport {
  std::string file;
  Kind kind = Kind::shell;
  std::vector<Finding> findings;    // sorted by position
  std::optional<InputError> error;  // the file could not be read or parsed (exit 2)
};

// Lints one text as `kind`; `config` has already been chosen for the file.
FileReport lint_text(const std::string& file, std::string_view text, Kind kind,
                     const CheckOptions& options, const Config& config);

// `headroom lint -- docker run …`, and `headroom run`/`headroom unit` warning about their command.
FileReport lint_argv(const std::vector<std::string>& argv, const CheckOptions& options,
                     const Config& config);

// Whether the findings fail the run under the threshold.
bool fails(const std::vector<Finding>& findings, Threshold threshold);

}  // namespace headroom::lint
