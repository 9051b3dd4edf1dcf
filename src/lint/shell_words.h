// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Splits command text into commands and words, the way the shell (or systemd's ExecStart=)
// would, keeping each word's byte range in the input so findings point at the file.
//
// Shell syntax: '…' and "…" quotes, backslash escapes, `\`-newline continuations, comments,
// $(…) `…` ${…} kept literally (not expanded), commands separated by newlines, ; & && || | ( ),
// here-documents skipped. systemd syntax (ExecStart= values, systemd.service(5) "Command
// lines"): quotes anywhere in a word, C escapes (\n \t \s \xNN \NNN …), a lone ";" separates
// commands, no comments, nothing expanded. Linear in the input; never throws.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace headroom::lint {

enum class Syntax { shell, systemd };

struct RawWord {
  std::string text;  // after quote removal and unescaping
  size_t begin = 0;  // byte range in the input, [begin, end)
  size_t end = 0;
  bool quoted = false;  // some part of it was quoted or escaped
};

struct RawCommand {
  std::vector<RawWord> words;
};

struct SplitError {
  size_t offset = 0;  // where the problem starts (the opening quote)
  std::string message;
};

struct SplitResult {
  std::vector<RawCommand> commands;
  std::optional<SplitError> error;
};

SplitResult split_commands(std::string_view text, Syntax syntax);

}  // namespace headroom::lint
