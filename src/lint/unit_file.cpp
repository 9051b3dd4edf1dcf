// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "lint/unit_file.h"

#include <fmt/format.h>

#include "core/text.h"
#include "lint/shell_words.h"

namespace headroom::lint {
namespace {

bool is_comment(std::string_view trimmed) {
  return !trimmed.empty() && (trimmed.front() == '#' || trimmed.front() == ';');
}

uint32_t col_of(std::string_view line, std::string_view part) {
  return static_cast<uint32_t>(part.data() - line.data()) + 1;
}

}  // namespace

const UnitEntry* UnitFile::last(std::string_view section, std::string_view key) const {
  const UnitEntry* out = nullptr;
  for (const UnitEntry& e : entries) {
    if (e.section == section && e.key == key) out = &e;
  }
  return out;
}

std::vector<const UnitEntry*> UnitFile::all(std::string_view section, std::string_view key) const {
  std::vector<const UnitEntry*> out;
  for (const UnitEntry& e : entries) {
    if (e.section != section || e.key != key) continue;
    if (trim(e.value).empty()) {
      out.clear();
    } else {
      out.push_back(&e);
    }
  }
  return out;
}

bool UnitFile::has_section(std::string_view section) const {
  for (const UnitEntry& e : entries) {
    if (e.section == section) return true;
  }
  return false;
}

UnitParse parse_unit(std::string_view text) {
  UnitParse out;
  for (std::string_view hint : {".config/systemd/user", "systemctl --user", "/run/user/"}) {
    out.unit.user_manager_hint |= text.find(hint) != std::string_view::npos;
  }
  std::string section;
  LineReader lines(text);
  std::string_view line;
  auto fail = [&](uint32_t ln, uint32_t col, std::string message) {
    out.error = InputError{Pos{ln, col}, std::move(message)};
    return std::move(out);
  };
  while (lines.next(line)) {
    const auto ln = static_cast<uint32_t>(lines.line_no());
    const std::string_view t = trim(line);
    if (t.empty() || is_comment(t)) continue;
    if (t.front() == '[') {
      if (t.back() != ']' || t.size() < 3) {
        return fail(ln, col_of(line, t), "a section header must be written [Name]");
      }
      section = std::string(t.substr(1, t.size() - 2));
      continue;
    }
    const Span whole{Pos{ln, col_of(line, t)},
                     Pos{ln, col_of(line, t) + static_cast<uint32_t>(t.size()) - 1}};
    const size_t eq = t.find('=');
    if (eq == std::string_view::npos) {
      out.unit.issues.push_back(UnitIssue{
          "HR213", whole,
          fmt::format("\"{}\" is not Key=Value, a [Section] or a comment: systemd logs \"Missing "
                      "'=', ignoring line\" and reads on without it",
                      t.substr(0, 60)),
          "delete the line, or make it a comment with #"});
      continue;
    }
    const std::string_view key = trim(t.substr(0, eq));
    if (key.empty()) {
      out.unit.issues.push_back(UnitIssue{"HR213", whole,
                                          "a key is missing before '=': systemd ignores the line",
                                          "write Key=Value"});
      continue;
    }
    if (section.empty()) {
      out.unit.issues.push_back(UnitIssue{
          "HR213", whole,
          fmt::format("{}= stands before any [Section] header: systemd ignores it (\"Assignment "
                      "outside of section\")",
                      key),
          "move it under its section ([Unit], [Service] or [Install])"});
      continue;
    }
    UnitEntry e;
    e.section = section;
    e.key = std::string(key);
    e.line = ln;
    e.key_span = Span{Pos{ln, col_of(line, key)},
                      Pos{ln, col_of(line, key) + static_cast<uint32_t>(key.size()) - 1}};
    std::string_view v = t.substr(eq + 1);
    while (!v.empty() && is_space(v.front()))
      v.remove_prefix(1);
    std::string_view piece = v;
    uint32_t piece_line = ln;
    uint32_t piece_col =
        v.empty() ? col_of(line, t) + static_cast<uint32_t>(t.size()) : col_of(line, v);
    // Continuation: a line ending in a backslash goes on with the next non-comment line.
    while (true) {
      const bool continued = !piece.empty() && piece.back() == '\\';
      if (continued) piece.remove_suffix(1);
      e.value_map.add(e.value.size(), Pos{piece_line, piece_col});
      e.value.append(piece);
      if (!continued) break;
      std::string_view next;
      bool more = false;
      while (lines.next(next)) {
        const std::string_view nt = trim(next);
        if (is_comment(nt)) continue;
        more = true;
        break;
      }
      if (!more) break;
      if (trim(next).empty()) {
        // conf-parser.c joins the empty line and, with no backslash at its end, takes the value
        // as complete: what follows is read as lines of their own.
        const auto at = static_cast<uint32_t>(lines.line_no());
        out.unit.issues.push_back(UnitIssue{
            "HR214", Span{Pos{at, 1}, Pos{at, 1}},
            fmt::format("this empty line ends the {}= continued from line {}: systemd reads the "
                        "value only up to here, and the lines after it as lines of their own",
                        e.key, ln),
            "remove the empty line (a comment line inside a continuation is fine)"});
        break;
      }
      e.value += ' ';
      piece_line = static_cast<uint32_t>(lines.line_no());
      std::string_view nt = next;
      while (!nt.empty() && is_space(nt.front()))
        nt.remove_prefix(1);
      while (!nt.empty() && (nt.back() == '\r' || nt.back() == ' ' || nt.back() == '\t')) {
        nt.remove_suffix(1);
      }
      piece = nt;
      piece_col = col_of(next, nt);
    }
    out.unit.entries.push_back(std::move(e));
  }
  return out;
}

ExecParse parse_exec(const UnitEntry& entry) {
  ExecParse out;
  SplitResult split = split_commands(entry.value, Syntax::systemd);
  if (split.error) {
    out.error = InputError{entry.value_map.at(split.error->offset),
                           fmt::format("{}= {}", entry.key, split.error->message)};
    return out;
  }
  for (RawCommand& c : split.commands) {
    ExecCommand cmd;
    for (size_t i = 0; i < c.words.size(); ++i) {
      RawWord& w = c.words[i];
      if (i == 0 && !w.quoted) {  // the special prefixes of the first word: - @ : + !
        size_t p = 0;
        while (p < w.text.size() &&
               std::string_view("-@:+!|").find(w.text[p]) != std::string_view::npos) {
          ++p;
        }
        cmd.prefixes = w.text.substr(0, p);
        w.text.erase(0, p);
        w.begin += p;
        if (w.text.empty()) continue;
      }
      cmd.argv.push_back(std::move(w.text));
      cmd.spans.push_back(entry.value_map.span(w.begin, w.end));
    }
    if (!cmd.argv.empty()) out.commands.push_back(std::move(cmd));
  }
  return out;
}

}  // namespace headroom::lint
