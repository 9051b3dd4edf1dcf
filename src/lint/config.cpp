// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "lint/config.h"

#include <fmt/format.h>

#include "core/toml_guard.h"
#include "core/tomlpp.h"
#include "lint/rules.h"

namespace headroom::lint {
namespace {

Pos pos_of(const toml::node& n) {
  const toml::source_region& s = n.source();
  return Pos{static_cast<uint32_t>(s.begin.line), static_cast<uint32_t>(s.begin.column)};
}

}  // namespace

std::optional<Threshold> parse_threshold(std::string_view s) {
  if (s == "none") return Threshold{true, Severity::info};
  if (auto sev = parse_severity(s)) return Threshold{false, *sev};
  return std::nullopt;
}

ConfigLoad parse_config(const std::string& path, std::string_view text) {
  ConfigLoad out;
  out.config.path = path;
  if (auto bad = toml_guard(text)) {
    out.error = InputError{Pos{bad->line, bad->column}, bad->message};
    return out;
  }
  toml::parse_result parsed = toml::parse(text, path);
  if (!parsed) {
    const toml::parse_error& e = parsed.error();
    out.error = InputError{Pos{static_cast<uint32_t>(e.source().begin.line),
                               static_cast<uint32_t>(e.source().begin.column)},
                           std::string(e.description())};
    return out;
  }
  const toml::table& t = parsed.table();
  auto fail = [&](const toml::node& n, std::string message) {
    out.error = InputError{pos_of(n), std::move(message)};
    return out;
  };
  for (const auto& [key, node] : t) {
    const std::string_view k = key.str();
    if (k == "ignore") {
      const toml::array* a = node.as_array();
      if (a == nullptr) return fail(node, "ignore must be a list of rule ids, like [\"HR105\"]");
      for (const toml::node& item : *a) {
        const auto* s = item.as_string();
        if (s == nullptr || find_rule(s->get()) == nullptr) {
          return fail(item, "ignore: expected rule ids such as \"HR105\"");
        }
        out.config.ignore.insert(s->get());
      }
    } else if (k == "failure-threshold") {
      const auto* s = node.as_string();
      auto th = s != nullptr ? parse_threshold(s->get()) : std::nullopt;
      if (!th) return fail(node, "failure-threshold must be info, warning, error or none");
      out.config.threshold = th;
    } else if (k == "target") {
      const auto* s = node.as_string();
      if (s == nullptr || (s->get() != "unified" && s->get() != "discrete")) {
        return fail(node, "target must be \"unified\" or \"discrete\"");
      }
      out.config.unified = s->get() == "unified";
    } else if (k == "unit-root") {
      const auto* s = node.as_string();
      if (s == nullptr) return fail(node, "unit-root must be a directory path");
      out.config.unit_root = s->get();
    } else if (k == "severity") {
      const toml::table* st = node.as_table();
      if (st == nullptr)
        return fail(node, "severity must be a table: [severity] HR303 = \"warning\"");
      for (const auto& [code, level] : *st) {
        if (find_rule(code.str()) == nullptr) {
          return fail(level, fmt::format("severity: unknown rule id \"{}\"", code.str()));
        }
        const auto* s = level.as_string();
        if (s != nullptr && s->get() == "off") {
          out.config.severity[std::string(code.str())] = std::nullopt;
          continue;
        }
        auto sev = s != nullptr ? parse_severity(s->get()) : std::nullopt;
        if (!sev) return fail(level, "a severity is info, warning, error or off");
        out.config.severity[std::string(code.str())] = sev;
      }
    } else {
      return fail(node, fmt::format("unknown key \"{}\" (known: ignore, failure-threshold, target, "
                                    "unit-root, [severity])",
                                    k));
    }
  }
  return out;
}

}  // namespace headroom::lint
