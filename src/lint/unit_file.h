// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// systemd unit files and drop-ins (systemd.syntax(7)): [Section] headers, Key=Value lines,
// comments (# and ;), and values continued over lines ending in a backslash (joined with a
// space, comment lines inside skipped, as systemd reads them). Positions are kept so a word of
// an ExecStart= value on its third physical line is reported there.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lint/finding.h"
#include "lint/source_map.h"

namespace headroom::lint {

struct UnitEntry {
  std::string section;  // "Service"
  std::string key;      // "ExecStart"
  std::string value;    // continuation lines joined
  uint32_t line = 0;    // the key's line
  Span key_span;
  SourceMap value_map;  // offsets in `value` -> file positions

  Span value_span() const { return value_map.span(0, value.size()); }
};

// What systemd reads past with a warning (conf-parser.c: "Missing '=', ignoring line",
// "Assignment outside of section. Ignoring.") or reads differently than it looks (an empty line
// ends a continuation): the rest of the file is still read.
struct UnitIssue {
  std::string code;  // HR213 (a line systemd ignores), HR214 (a continuation cut short)
  Span span;
  std::string message;
  std::string fix;
};

struct UnitFile {
  std::vector<UnitEntry> entries;
  std::vector<UnitIssue> issues;
  // The text says it is a user unit: ~/.config/systemd/user, systemctl --user, /run/user/.
  bool user_manager_hint = false;

  // The effective single value: the last assignment (systemd's rule), or null.
  const UnitEntry* last(std::string_view section, std::string_view key) const;
  // Every assignment of a list-valued key after the last empty one (an empty assignment
  // resets the list, as drop-ins use it).
  std::vector<const UnitEntry*> all(std::string_view section, std::string_view key) const;
  bool has_section(std::string_view section) const;
};

struct UnitParse {
  UnitFile unit;
  std::optional<InputError> error;
};

UnitParse parse_unit(std::string_view text);

// ExecStart=-@+!: prefixes and the command's words (systemd quoting), with file positions.
struct ExecCommand {
  std::string prefixes;  // "-", "@+", ...
  bool ignore_failure() const { return prefixes.find('-') != std::string::npos; }
  std::vector<std::string> argv;
  std::vector<Span> spans;  // one per argv word
};

// The commands of one Exec*= value (several when separated by a lone ";"). An unterminated
// quote is an InputError at its position.
struct ExecParse {
  std::vector<ExecCommand> commands;
  std::optional<InputError> error;
};
ExecParse parse_exec(const UnitEntry& entry);

}  // namespace headroom::lint
