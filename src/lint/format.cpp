// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "lint/format.h"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "core/contract.h"

namespace headroom::lint {
namespace {

using json = nlohmann::ordered_json;

std::string_view sarif_level(Severity s) {
  switch (s) {
    case Severity::info:
      return "note";
    case Severity::warning:
      return "warning";
    case Severity::error:
      return "error";
  }
  return "warning";
}

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 has no place for most control characters.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string tty(const std::vector<FileReport>& reports, bool colour) {
  std::string out;
  auto paint = [&](std::string_view code, std::string_view text) {
    return colour ? fmt::format("\033[{}m{}\033[0m", code, text) : std::string(text);
  };
  for (const FileReport& r : reports) {
    for (const Finding& f : r.findings) {
      const std::string_view colour_code = f.severity == Severity::error     ? "1;31"
                                           : f.severity == Severity::warning ? "1;33"
                                                                             : "1;36";
      out += fmt::format("{}: {} {}: {}\n", paint("1", location(f.file, f.span.begin)),
                         paint(colour_code, severity_name(f.severity)), f.code, f.message);
      if (!f.fix.empty()) out += fmt::format("  fix: {}\n", f.fix);
      out += fmt::format("  see: {}\n", rule_doc(f.code));
    }
  }
  return out;
}

std::string gcc(const std::vector<FileReport>& reports) {
  std::string out;
  for (const FileReport& r : reports) {
    for (const Finding& f : r.findings) {
      out += fmt::format("{}: {}: {} [{}]\n", location(f.file, f.span.begin),
                         f.severity == Severity::info ? "note" : severity_name(f.severity),
                         f.message, f.code);
    }
  }
  return out;
}

// One object (docs/schema/lint.schema.json): every finding, every file that could not be read
// or parsed, and how many files were linted. snake_case, as every other headroom JSON. Written
// one element at a time (the text nlohmann's dump(2) gives for the whole document, without its
// tree of every finding: a 5,000-file run held ~12 MiB in it).
std::string as_json(const std::vector<FileReport>& reports) {
  std::string out =
      fmt::format("{{\n  \"version\": {},\n  \"files\": {},\n", kJsonVersion, reports.size());
  const auto element = [&](bool& first, const nlohmann::ordered_json& e) {
    out += first ? "\n" : ",\n";
    first = false;
    const std::string text = e.dump(2, ' ', false, json::error_handler_t::replace);
    out += "    ";
    for (char c : text) {
      out += c;
      if (c == '\n') out += "    ";
    }
  };
  bool first = true;
  out += "  \"findings\": [";
  for (const FileReport& r : reports) {
    for (const Finding& f : r.findings) {
      element(first, {{"file", f.file},
                      {"line", f.span.begin.line},
                      {"column", f.span.begin.col},
                      {"end_line", f.span.end.line},
                      {"end_column", f.span.end.col},
                      {"level", severity_name(f.severity)},
                      {"code", f.code},
                      {"message", f.message},
                      {"fix", f.fix},
                      {"see", rule_doc(f.code)}});
    }
  }
  out += first ? "],\n" : "\n  ],\n";
  first = true;
  out += "  \"errors\": [";
  for (const FileReport& r : reports) {
    if (!r.error) continue;
    element(first, {{"file", r.file},
                    {"line", r.error->pos.line},
                    {"column", r.error->pos.col},
                    {"message", r.error->message}});
  }
  out += first ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

std::string sarif(const std::vector<FileReport>& reports, std::string_view version) {
  json rules = json::array();
  std::map<std::string_view, size_t> index;
  for (const RuleInfo& r : all_rules()) {
    index[r.code] = rules.size();
    rules.push_back({{"id", r.code},
                     {"shortDescription", {{"text", r.title}}},
                     {"help", {{"text", "See " + rule_doc(r.code)}}},
                     {"defaultConfiguration", {{"level", sarif_level(r.severity)}}}});
  }
  json results = json::array();
  json notifications = json::array();
  for (const FileReport& r : reports) {
    if (r.error) {
      json loc = {{"physicalLocation", {{"artifactLocation", {{"uri", r.file}}}}}};
      if (r.error->pos.line > 0) {
        loc["physicalLocation"]["region"] = {{"startLine", r.error->pos.line},
                                             {"startColumn", std::max(1u, r.error->pos.col)}};
      }
      notifications.push_back({{"level", "error"},
                               {"message", {{"text", r.error->message}}},
                               {"locations", json::array({loc})}});
    }
    for (const Finding& f : r.findings) {
      json physical = {{"artifactLocation", {{"uri", f.file}}}};
      if (f.span.begin.line > 0) {
        const Pos b = f.span.begin;
        const Pos e = f.span.end.line >= b.line ? f.span.end : b;
        physical["region"] = {{"startLine", b.line},
                              {"startColumn", std::max(1u, b.col)},
                              {"endLine", e.line},
                              {"endColumn", std::max(1u, e.col) + 1}};  // SARIF: exclusive
      }
      json result = {{"ruleId", f.code},
                     {"level", sarif_level(f.severity)},
                     {"message", {{"text", f.message}}},
                     {"locations", json::array({{{"physicalLocation", physical}}})},
                     {"properties", {{"fix", f.fix}}}};
      auto it = index.find(f.code);
      if (it != index.end()) result["ruleIndex"] = it->second;
      results.push_back(std::move(result));
    }
  }
  json run = {
      {"tool",
       {{"driver", {{"name", "headroom"}, {"version", version}, {"rules", std::move(rules)}}}}},
      {"invocations", json::array({{{"executionSuccessful", notifications.empty()},
                                    {"toolExecutionNotifications", std::move(notifications)}}})},
      {"results", std::move(results)}};
  json log = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", json::array({std::move(run)})}};
  return log.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string checkstyle(const std::vector<FileReport>& reports) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n";
  for (const FileReport& r : reports) {
    out += fmt::format("  <file name=\"{}\">\n", xml_escape(r.file));
    if (r.error) {
      out += fmt::format(
          "    <error line=\"{}\" column=\"{}\" severity=\"error\" message=\"{}\" "
          "source=\"headroom.input\"/>\n",
          r.error->pos.line, r.error->pos.col, xml_escape(r.error->message));
    }
    for (const Finding& f : r.findings) {
      out += fmt::format(
          "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" "
          "source=\"headroom.{}\"/>\n",
          f.span.begin.line, f.span.begin.col, severity_name(f.severity), xml_escape(f.message),
          f.code);
    }
    out += "  </file>\n";
  }
  return out + "</checkstyle>\n";
}

}  // namespace

std::optional<Format> parse_format(std::string_view s) {
  if (s == "tty") return Format::tty;
  if (s == "json") return Format::json;
  if (s == "sarif") return Format::sarif;
  if (s == "gcc") return Format::gcc;
  if (s == "checkstyle") return Format::checkstyle;
  return std::nullopt;
}

std::string location(const std::string& file, Pos pos) {
  if (pos.line == 0) return file;
  return fmt::format("{}:{}:{}", file, pos.line, std::max(1u, pos.col));
}

std::string format_reports(const std::vector<FileReport>& reports, Format format, bool colour,
                           std::string_view tool_version) {
  switch (format) {
    case Format::tty:
      return tty(reports, colour);
    case Format::json:
      return as_json(reports);
    case Format::sarif:
      return sarif(reports, tool_version);
    case Format::gcc:
      return gcc(reports);
    case Format::checkstyle:
      return checkstyle(reports);
  }
  return {};
}

}  // namespace headroom::lint
