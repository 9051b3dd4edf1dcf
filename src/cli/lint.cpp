// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// headroom lint [FILE…|-] [-- docker run …]: find the landmines in units, scripts, compose files
// and command lines. The engine is src/lint; this file reads the inputs, picks each file's
// configuration, prints in the chosen format and sets the exit code (0 clean, 1 findings at or
// above the threshold, 2 unreadable or unparseable input).
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>

#include "cli/common.h"
#include "cli/console.h"
#include "core/text.h"
#include "headroom_version.h"
#include "lint/format.h"
#include "lint/lint.h"
#include "probe/fs.h"

namespace headroom {
// A named namespace, so that its using-directive stays here in a unity build of src/cli.
namespace lint_command {
namespace {

namespace fs = std::filesystem;
using namespace headroom::lint;

constexpr size_t kMaxFileBytes = 64u << 20;  // a unit or script is kilobytes; 64 MiB is not one

struct LintOptions {
  std::vector<std::string> files;
  const std::vector<std::string>* command = nullptr;  // after -- (Globals::after_dashes)
  std::string kind;
  std::string format = "tty";
  std::string target;
  std::string config;
  std::string threshold;
  std::vector<std::string> ignore;
  std::string unit_root;
  std::string color = "auto";
  bool list_rules = false;
  std::string explain;  // --explain HR101
};

struct Input {
  std::string name;  // as reported
  std::string path;  // to read; empty for stdin
};

// Reads a whole file (or stdin), refusing what cannot be a configuration file.
Result<std::string> read_input(const Input& in) {
  auto text = in.path.empty() ? read_stdin(kMaxFileBytes) : read_file(in.path, kMaxFileBytes);
  if (text) return text;
  if (text.error().sys_errno == EFBIG) {
    return make_error("larger than 64 MiB: not a unit, script or compose file");
  }
  return make_error(std::strerror(text.error().sys_errno));
}

// Files named on the command line; directories are walked for what their names say is a unit,
// a drop-in, a compose file or a script.
std::vector<Input> expand(const std::vector<std::string>& args, std::vector<std::string>& errors) {
  std::vector<Input> out;
  for (const std::string& a : args) {
    if (a == "-") {
      out.push_back(Input{"<stdin>", ""});
      continue;
    }
    std::error_code ec;
    if (fs::is_directory(a, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(
               a, fs::directory_options::skip_permission_denied, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        const std::string path = it->path().string();
        if (kind_by_name(path)) {
          found.push_back(path);
        } else if (path.ends_with(".yml") || path.ends_with(".yaml")) {
          // A compose file under another name (models-gemma.yml, compose.core.yml): by its
          // content, a top-level services: (the first 64 KiB tell).
          const std::string head = read_head(path, 64 * 1024).value_or("");
          // services: opening a block (not `services: 3` in some other tool's settings).
          const bool block = head.starts_with("services:\n") ||
                             head.find("\nservices:\n") != std::string::npos ||
                             head.starts_with("services:\r\n") ||
                             head.find("\nservices:\r\n") != std::string::npos;
          if (block && detect_kind(path, head) == Kind::compose) found.push_back(path);
        }
      }
      if (ec) errors.push_back(fmt::format("{}: error: {}", a, ec.message()));
      std::sort(found.begin(), found.end());
      for (std::string& f : found)
        out.push_back(Input{f, f});
      continue;
    }
    out.push_back(Input{a, a});
  }
  return out;
}

// .headroom.toml upward from the file's directory, then $XDG_CONFIG_HOME/headroom/headroom.toml.
class ConfigFinder {
 public:
  explicit ConfigFinder(std::string explicit_path) : explicit_(std::move(explicit_path)) {}

  const ConfigLoad& for_file(const std::string& path) {
    if (!explicit_.empty()) return load(explicit_);
    fs::path dir = path.empty() ? fs::current_path() : fs::absolute(path).parent_path();
    std::vector<std::string> visited;
    std::string found;
    for (fs::path d = dir;; d = d.parent_path()) {
      auto cached = by_dir_.find(d.string());
      if (cached != by_dir_.end()) {
        found = cached->second;
        break;
      }
      visited.push_back(d.string());
      std::error_code ec;
      if (fs::is_regular_file(d / ".headroom.toml", ec)) {
        found = (d / ".headroom.toml").string();
        break;
      }
      if (d == d.parent_path()) {
        found = user_config();
        break;
      }
    }
    for (const std::string& v : visited)
      by_dir_[v] = found;
    return load(found);
  }

 private:
  static std::string user_config() {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    const char* home = std::getenv("HOME");
    fs::path base = xdg != nullptr && *xdg != 0 ? fs::path(xdg)
                    : home != nullptr           ? fs::path(home) / ".config"
                                                : fs::path();
    if (base.empty()) return {};
    const fs::path p = base / "headroom" / "headroom.toml";
    std::error_code ec;
    return fs::is_regular_file(p, ec) ? p.string() : std::string();
  }

  const ConfigLoad& load(const std::string& path) {
    auto it = loaded_.find(path);
    if (it != loaded_.end()) return it->second;
    ConfigLoad c;
    if (!path.empty()) {
      auto text = read_input(Input{path, path});
      if (!text) {
        c.error = InputError{Pos{}, text.error().message};
      } else {
        c = parse_config(path, *text);
      }
      c.config.path = path;
    }
    return loaded_.emplace(path, std::move(c)).first->second;
  }

  std::string explicit_;
  std::map<std::string, std::string> by_dir_;
  std::map<std::string, ConfigLoad> loaded_;
};

// `headroom lint --explain HR101`: the rule's page, as installed.
int explain(const std::string& code) {
  Console console;
  std::string upper = code;
  std::transform(upper.begin(), upper.end(), upper.begin(), ascii_upper);
  const RuleInfo* r = find_rule(upper);
  if (r == nullptr) {
    return console.fail(
        fmt::format("--explain {}: no such rule (headroom lint --list-rules)", code));
  }
  const auto page = read_file(rule_doc(r->code));
  if (!page) {
    fmt::print("{} ({}): {}\n(the page {} is not installed here)\n", r->code,
               severity_name(r->severity), r->title, rule_doc(r->code));
    return 0;
  }
  std::fputs(page->c_str(), stdout);
  return 0;
}

int list_rules() {
  for (const RuleInfo& r : all_rules()) {
    fmt::print("{}  {:<7}  {}\n", r.code, severity_name(r.severity), r.title);
  }
  return 0;
}

int run_lint(const LintOptions& o) {
  set_rule_doc_dir(find_rule_docs());
  if (o.list_rules) return list_rules();
  if (!o.explain.empty()) return explain(o.explain);
  Console console;
  const std::vector<std::string>& command = *o.command;
  if (o.files.empty() && command.empty()) {
    return console.fail("give FILE… (- for stdin) or -- docker run … (see --help)");
  }
  const auto format = parse_format(o.format);
  if (!format) return console.fail("--format must be tty, json, sarif, gcc or checkstyle");
  std::optional<Kind> kind;
  if (!o.kind.empty()) {
    kind = parse_kind(o.kind);
    if (!kind) return console.fail("--kind must be unit, shell, compose or command");
  }
  std::optional<Threshold> threshold;
  if (!o.threshold.empty()) {
    threshold = parse_threshold(o.threshold);
    if (!threshold) return console.fail("--failure-threshold must be info, warning, error or none");
  }
  if (!o.target.empty() && o.target != "unified" && o.target != "discrete") {
    return console.fail("--target must be unified or discrete");
  }
  std::vector<std::string> cli_ignore;
  for (const std::string& list : o.ignore) {
    std::stringstream ss(list);
    std::string code;
    while (std::getline(ss, code, ',')) {
      if (find_rule(code) == nullptr)
        return console.fail(fmt::format("--ignore: unknown rule \"{}\"", code));
      cli_ignore.push_back(code);
    }
  }
  bool colour = o.color == "always";
  if (o.color == "auto") colour = isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;

  ConfigFinder configs(o.config);
  std::vector<std::string> walk_errors;
  std::vector<Input> inputs = expand(o.files, walk_errors);
  std::vector<FileReport> reports;
  bool failed = false;
  bool broken = !walk_errors.empty();
  for (const std::string& e : walk_errors)
    console.note(e);

  auto options_for = [&](const Config& c) {
    CheckOptions opt;
    opt.unified = !o.target.empty() ? o.target == "unified" : c.unified.value_or(true);
    opt.unit_root = !o.unit_root.empty() ? o.unit_root : c.unit_root.value_or("/");
    return opt;
  };
  auto settle = [&](FileReport r, const ConfigLoad& cl) {
    if (cl.error) {
      console.note(
          fmt::format("{}: error: {}", location(cl.config.path, cl.error->pos), cl.error->message));
      broken = true;
    }
    if (r.error) {
      console.note(fmt::format("{}: error: {}", location(r.file, r.error->pos), r.error->message));
      broken = true;
    }
    const Threshold th = threshold.value_or(cl.config.threshold.value_or(Threshold{}));
    failed |= fails(r.findings, th);
    reports.push_back(std::move(r));
  };
  auto config_with_cli = [&](Config c) {
    for (const std::string& code : cli_ignore)
      c.ignore.insert(code);
    return c;
  };

  for (const Input& in : inputs) {
    const ConfigLoad& cl = configs.for_file(in.path);
    const Config config = config_with_cli(cl.config);
    auto text = read_input(in);
    if (!text) {
      FileReport r;
      r.file = in.name;
      r.error = InputError{Pos{}, "cannot read: " + text.error().message};
      settle(std::move(r), cl);
      continue;
    }
    const Kind k = kind.value_or(detect_kind(in.name, *text));
    CheckOptions opt = options_for(config);
    if (!in.path.empty()) {
      // A file it names (`source config.env`, compose's .env): beside it, as lint reports it.
      opt.read_beside = [&in](const std::string& joined) -> std::optional<std::string> {
        const std::string_view prefix = path_directory(in.name);
        if (joined.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
        const Input beside{joined,
                           std::string(path_directory(in.path)) + joined.substr(prefix.size())};
        std::error_code ec;
        if (!fs::is_regular_file(beside.path, ec)) return std::nullopt;
        auto read = read_input(beside);
        // Unreadable: as if it were not there (the rule that wanted it says what it could not see).
        if (!read) return std::nullopt;
        return std::move(*read);
      };
    }
    settle(lint_text(in.name, *text, k, opt, config), cl);
  }
  if (!command.empty()) {
    const ConfigLoad& cl = configs.for_file("");
    const Config config = config_with_cli(cl.config);
    settle(lint_argv(command, options_for(config), config), cl);
  }
  std::fputs(format_reports(reports, *format, colour, HEADROOM_VERSION).c_str(), stdout);
  std::fflush(stdout);
  if (broken) return 2;
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace lint_command

Command add_lint_command(CLI::App& parent, const Globals& globals) {
  using namespace lint_command;
  auto o = std::make_shared<LintOptions>();
  o->command = &globals.after_dashes;
  CLI::App* cmd = parent.add_subcommand(
      "lint",
      "Find the landmines in systemd units, docker run lines, compose files, shell wrappers and "
      "SGLang/vLLM flags before they fire. Exit 0 clean, 1 findings (at or above the "
      "threshold), 2 unreadable or unparseable input.\n"
      "Usage: headroom lint [FILE…|DIR|-] [-- docker run …]\n"
      "Ignore a rule for one statement with `# headroom: ignore=HR202 reason` on the line before "
      "(or the same line), for a file with `# headroom: global ignore=HR105`, for a project in "
      ".headroom.toml (searched upward from each file, then $XDG_CONFIG_HOME/headroom/"
      "headroom.toml).");
  cmd->add_option("files", o->files,
                  "Files to lint; - reads stdin; a directory is walked for *.service, drop-ins, "
                  "compose files and *.sh");
  cmd->add_option("--kind", o->kind,
                  "unit, shell, compose or command (default: by the file's name, then its "
                  "content)");
  cmd->add_option("--format", o->format,
                  "tty (default; colour on a terminal), json, sarif (2.1.0), gcc or checkstyle");
  cmd->add_option("--target", o->target,
                  "unified (default: GB10, Jetson, Grace Hopper, Strix Halo share one pool) or "
                  "discrete (the GPU has its own memory: the unified-memory rules are off)");
  cmd->add_option("--config", o->config, "Use this .headroom.toml instead of searching for one")
      ->type_name("FILE");
  cmd->add_option("--failure-threshold", o->threshold,
                  "Lowest severity that makes the exit code 1: info (default), warning, error, "
                  "or none");
  cmd->add_option("--ignore", o->ignore, "Rule ids never to report (repeat, or HR105,HR303)")
      ->allow_extra_args(false);
  cmd->add_option("--unit-root", o->unit_root,
                  "Look units up (HR201) in the unit search path under DIR (default /)")
      ->type_name("DIR");
  cmd->add_option("--color", o->color,
                  "auto (default: on a terminal, unless NO_COLOR), always, never")
      ->type_name("auto|always|never")
      ->check(CLI::IsMember({"auto", "always", "never"}).description(""));
  cmd->add_flag("--list-rules", o->list_rules, "Print every rule id, severity and title");
  cmd->add_option("--explain", o->explain,
                  "Print a rule's page: what it finds, why it matters, how to fix it (the pages "
                  "installed under /usr/share/doc/headroom/rules)")
      ->type_name("HRxxx");
  return Command{cmd, [o] { return run_lint(*o); }};
}

}  // namespace headroom
