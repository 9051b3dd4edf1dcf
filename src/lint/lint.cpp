// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "lint/lint.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/text.h"

namespace headroom::lint {
namespace {

struct Pragmas {
  std::set<std::string, std::less<>> global;
  std::map<uint32_t, std::set<std::string, std::less<>>> by_line;

  bool covers(const Finding& f) const {
    if (global.count(f.code) || global.count("all")) return true;
    for (uint32_t line : {f.span.begin.line, f.stmt_line}) {
      for (uint32_t l : {line, line > 0 ? line - 1 : 0}) {
        auto it = by_line.find(l);
        if (it != by_line.end() && (it->second.count(f.code) || it->second.count("all"))) {
          return true;
        }
      }
    }
    return false;
  }
};

// "# headroom: ignore=HR202,HR203 reason" / "# headroom: global ignore=HR105".
Pragmas read_pragmas(std::string_view text) {
  Pragmas p;
  LineReader lines(text);
  std::string_view line;
  while (lines.next(line)) {
    size_t at = line.find("headroom:");
    if (at == std::string_view::npos) continue;
    std::string_view before = line.substr(0, at);
    while (!before.empty() && (before.back() == ' ' || before.back() == '\t'))
      before.remove_suffix(1);
    if (before.empty() || (before.back() != '#' && before.back() != ';')) continue;
    std::string_view rest = trim(line.substr(at + 9));
    bool global = false;
    if (rest.rfind("global", 0) == 0) {
      global = true;
      rest = trim(rest.substr(6));
    }
    if (rest.rfind("ignore=", 0) != 0) continue;
    rest.remove_prefix(7);
    const size_t end = std::min(rest.find_first_of(" \t"), rest.size());
    std::string_view codes = rest.substr(0, end);
    while (!codes.empty()) {
      const size_t comma = std::min(codes.find(','), codes.size());
      const std::string code(trim(codes.substr(0, comma)));
      if (!code.empty()) {
        if (global) {
          p.global.insert(code);
        } else {
          p.by_line[static_cast<uint32_t>(lines.line_no())].insert(code);
        }
      }
      codes.remove_prefix(std::min(comma + 1, codes.size()));
    }
  }
  return p;
}

FileReport finish(Built built, const CheckOptions& options, const Config& config,
                  const Pragmas& pragmas) {
  FileReport r;
  r.file = built.doc.file;
  r.kind = built.doc.kind;
  if (built.error) {
    r.error = built.error;
    return r;
  }
  std::vector<Finding> all;
  Sink sink(built.doc, all);
  check_all(built.doc, options, sink);
  for (Finding& f : all) {
    if (config.ignore.count(f.code) || pragmas.covers(f)) continue;
    auto sev = config.severity.find(f.code);
    if (sev != config.severity.end()) {
      if (!sev->second) continue;  // "off"
      f.severity = *sev->second;
      f.counts = true;  // given a severity on purpose
    }
    r.findings.push_back(std::move(f));
  }
  std::stable_sort(r.findings.begin(), r.findings.end(), [](const Finding& a, const Finding& b) {
    if (a.span.begin.line != b.span.begin.line) return a.span.begin.line < b.span.begin.line;
    if (a.span.begin.col != b.span.begin.col) return a.span.begin.col < b.span.begin.col;
    return a.code < b.code;
  });
  return r;
}

}  // namespace

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::info:
      return "info";
    case Severity::warning:
      return "warning";
    case Severity::error:
      return "error";
  }
  return "warning";
}

std::optional<Severity> parse_severity(std::string_view s) {
  for (Severity v : {Severity::info, Severity::warning, Severity::error}) {
    if (s == severity_name(v)) return v;
  }
  return std::nullopt;
}

FileReport lint_text(const std::string& file, std::string_view text, Kind kind,
                     const CheckOptions& options, const Config& config) {
  return finish(build_document(file, text, kind, options.read_beside), options, config,
                read_pragmas(text));
}

FileReport lint_argv(const std::vector<std::string>& argv, const CheckOptions& options,
                     const Config& config) {
  return finish(build_from_argv(argv), options, config, Pragmas{});
}

bool fails(const std::vector<Finding>& findings, Threshold threshold) {
  if (threshold.never) return false;
  return std::any_of(findings.begin(), findings.end(),
                     [&](const Finding& f) { return f.counts && f.severity >= threshold.at; });
}

}  // namespace headroom::lint
