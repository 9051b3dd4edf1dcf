// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "cli/config_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "cli/run_options.h"
#include "core/toml_guard.h"
#include "core/tomlpp.h"
#include "probe/fs.h"

namespace headroom {
namespace {

std::string where(const std::string& path, const toml::source_region& s) {
  return fmt::format("{}:{}:{}", path, s.begin.line, s.begin.column);
}

// One TOML value as a flag's word; nullopt for a table, an array or a date.
std::optional<std::string> scalar_word(const toml::node& n) {
  if (const auto* s = n.as_string()) return s->get();
  if (const auto* i = n.as_integer()) return std::to_string(i->get());
  if (const auto* f = n.as_floating_point()) return fmt::format("{}", f->get());
  return std::nullopt;
}

// Checks one option's words against run's own definition of the flag (its validator, its type),
// so that a bad value is reported at its line in the file rather than as a bare flag error.
std::optional<std::string> refused(const std::vector<std::string>& words) {
  CLI::App scratch;
  RunOptions o;
  add_run_flags(&scratch, o);
  std::vector<std::string> reversed(words.rbegin(), words.rend());  // CLI11 takes them reversed
  try {
    scratch.parse(reversed);
  } catch (const CLI::ParseError& e) {
    return std::string(e.what());
  }
  if (!o.command.empty()) return "takes no value here";  // a word left over
  return std::nullopt;
}

}  // namespace

Result<std::vector<std::string>> expand_config(std::vector<std::string> args) {
  // --config FILE / --config=FILE before `--`, taken out; what the command line sets itself.
  std::string path;
  bool config = false;
  std::set<std::string> given;
  for (size_t i = 0; i < args.size() && args[i] != "--";) {
    const std::string name = args[i].substr(0, args[i].find('='));
    if (!args[i].starts_with("--") || name != "--config") {
      if (args[i].starts_with("--")) given.insert(name);
      ++i;
      continue;
    }
    if (config) return make_error("--config: give one file");
    config = true;
    if (args[i].size() > name.size()) {
      path = args[i].substr(name.size() + 1);
      args.erase(args.begin() + static_cast<long>(i));
    } else {
      if (i + 1 == args.size() || args[i + 1] == "--") {
        return make_error("--config: give the file's path");
      }
      path = args[i + 1];
      args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i) + 2);
    }
    if (path.empty()) return make_error("--config: give the file's path");
  }
  if (path.empty()) return args;
  const bool command_given = std::find(args.begin(), args.end(), "--") != args.end();

  auto text = read_file(path);
  if (!text) {
    return make_error(
        fmt::format("{}: cannot read: {}", path, std::strerror(text.error().sys_errno)));
  }
  auto from_file = config_flags(path, *text, {given.begin(), given.end()}, command_given);
  if (!from_file) return from_file.error();
  // The file's flags first, then the command line's; the file's command after a `--` at the end.
  args.insert(args.begin(), from_file->flags.begin(), from_file->flags.end());
  if (!from_file->command.empty()) {
    args.push_back("--");
    args.insert(args.end(), from_file->command.begin(), from_file->command.end());
  }
  return args;
}

Result<ConfigFlags> config_flags(const std::string& path, std::string_view text,
                                 const std::vector<std::string>& given, bool command_given) {
  if (auto bad = toml_guard(text)) {
    return make_error(fmt::format("{}:{}:{}: {}", path, bad->line, bad->column, bad->message));
  }
  toml::parse_result parsed = toml::parse(text, path);
  if (!parsed) {
    return make_error(
        fmt::format("{}: {}", where(path, parsed.error().source()), parsed.error().description()));
  }

  CLI::App run_flags;  // run's options, to look the keys up in
  RunOptions unused;
  add_run_flags(&run_flags, unused);
  std::vector<std::string> from_file;
  std::vector<std::string> command;
  for (const auto& [key, node] : parsed.table()) {
    std::string name(key.str());
    std::replace(name.begin(), name.end(), '_', '-');  // stop_timeout reads as stop-timeout
    const std::string at = where(path, key.source());
    if (name == "command") {
      const toml::array* a = node.as_array();
      bool strings = a != nullptr && !a->empty();
      if (a != nullptr) {
        for (const toml::node& w : *a)
          strings &= w.is_string();
      }
      if (!strings) {
        return make_error(fmt::format(
            "{}: command must be a list of strings, like [\"docker\", \"run\", …] (it is "
            "executed as argv, never through a shell)",
            at));
      }
      if (!command_given) {
        for (const toml::node& w : *a)
          command.push_back(w.as_string()->get());
      }
      continue;
    }
    const CLI::Option* opt =
        name == "config" || name == "help" ? nullptr : run_flags.get_option_no_throw("--" + name);
    if (opt == nullptr) {
      return make_error(fmt::format(
          "{}: unknown key \"{}\": the keys are the long options of `headroom run` without their "
          "dashes, and command = [...]",
          at, key.str()));
    }
    if (std::find(given.begin(), given.end(), "--" + name) != given.end())
      continue;  // the command line wins
    // One word per value, `--name=value`: a value that looks like a flag (evict = ["--config"])
    // stays a value, as the command line's `--evict=--config` would.
    std::vector<std::string> words;
    if (opt->get_expected_min() == 0) {  // a switch (how CLI11 itself tells them)
      const auto* b = node.as_boolean();
      if (b == nullptr) return make_error(fmt::format("{}: {} is true or false", at, name));
      if (b->get()) words.push_back("--" + name);
    } else if (const toml::array* a = node.as_array()) {
      if (opt->get_expected_max() <= 1) {
        return make_error(fmt::format("{}: {} takes one value, not a list", at, name));
      }
      for (const toml::node& item : *a) {
        auto w = scalar_word(item);
        if (!w) return make_error(fmt::format("{}: {}: a list of strings", at, name));
        words.push_back("--" + name + "=" + *w);
      }
    } else {
      auto w = scalar_word(node);
      if (!w) return make_error(fmt::format("{}: {}: expected a string or a number", at, name));
      words.push_back("--" + name + "=" + *w);
    }
    if (words.empty()) continue;
    if (auto why = refused(words)) return make_error(fmt::format("{}: {}", at, *why));
    from_file.insert(from_file.end(), words.begin(), words.end());
  }
  return ConfigFlags{std::move(from_file), std::move(command)};
}

}  // namespace headroom
