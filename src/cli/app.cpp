// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "cli/app.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "cli/config_file.h"
#include "cli/console.h"
#include "cli/docs.h"
#include "cli/entry.h"
#include "headroom_version.h"
#include "probe/fs.h"

namespace headroom {
namespace {

namespace fs = std::filesystem;

// `headroom completion SHELL`: the script on stdout, for the user's shell start-up file or the
// completion directory (`cmake --install` puts all three in their system places).
Command add_completion_command(CLI::App& parent) {
  auto shell = std::make_shared<std::string>();
  CLI::App* cmd = parent.add_subcommand(
      "completion",
      "Print the shell completion script for bash, zsh or fish, e.g. "
      "`headroom completion bash > ~/.local/share/bash-completion/completions/headroom`");
  cmd->add_option("shell", *shell, "bash, zsh or fish")
      ->type_name("bash|zsh|fish")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish"}).description(""));
  return Command{cmd, [shell, &parent] {
                   const auto script = completion_script(parent, *shell);
                   if (!script) return Console().fail("no completion for shell " + *shell);
                   std::fputs(script->c_str(), stdout);
                   return 0;
                 }};
}

// `headroom man [SUBCOMMAND] [--dir DIR]`: hidden; the build writes the man pages with it.
Command add_man_command(CLI::App& parent) {
  struct Options {
    std::string sub;
    std::string dir;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = parent.add_subcommand(
      "man", "Print the man page of headroom or of a subcommand; --dir DIR writes them all");
  cmd->group("");  // hidden: for the build and packagers
  cmd->add_option("subcommand", o->sub, "The subcommand (default: headroom(1) itself)");
  cmd->add_option("--dir", o->dir, "Write headroom.1 and headroom-SUBCOMMAND.1 into DIR")
      ->type_name("DIR");
  return Command{
      cmd, [o, &parent] {
        Console console;
        const CLI::App* sub = nullptr;
        if (!o->sub.empty()) {
          for (const CLI::App* s : visible_subcommands(parent)) {
            if (s->get_name() == o->sub) sub = s;
          }
          if (sub == nullptr) return console.fail("no subcommand " + o->sub);
        }
        if (o->dir.empty()) {
          std::fputs(man_page(parent, sub).c_str(), stdout);
          return 0;
        }
        std::vector<std::pair<std::string, const CLI::App*>> pages = {{"headroom.1", nullptr}};
        for (const CLI::App* s : visible_subcommands(parent)) {
          pages.emplace_back("headroom-" + s->get_name() + ".1", s);
        }
        for (const auto& [file, page_of] : pages) {
          const fs::path path = fs::path(o->dir) / file;
          if (Status st = write_file_atomic(path.string(), man_page(parent, page_of)); !st) {
            return console.fail(fmt::format("{}: cannot write ({})", path.string(),
                                            std::strerror(st.error().sys_errno)));
          }
        }
        return 0;
      }};
}

}  // namespace

Cli::Cli()
    : app("headroom: start and restart LLM inference servers safely on unified-memory GPU "
          "machines (DGX Spark / GB10, Jetson, Grace Hopper, Strix Halo).\n"
          "Exit codes: 0 ok, 1 condition not met (timeout, short of memory), 2 usage or input "
          "error.",
          "headroom") {}

std::unique_ptr<Cli> make_cli() {
  auto cli = std::make_unique<Cli>();
  CLI::App& app = cli->app;
  app.set_version_flag("--version", "headroom " HEADROOM_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // global options are accepted after the subcommand too
  app.add_option("--root", cli->globals.root,
                 "Read /proc and /sys under DIR instead of / (for fixture trees and tests; "
                 "default /)")
      ->type_name("DIR");

  const Globals& g = cli->globals;
  auto& c = cli->commands;
  c.push_back(add_status_command(app, g));
  c.push_back(add_wait_command(app, g));
  c.push_back(add_run_command(app, g));
  c.push_back(add_restart_command(app, g));
  c.push_back(add_why_command(app, g));
  c.push_back(add_lint_command(app, g));
  c.push_back(add_plan_command(app, g));
  c.push_back(add_cache_command(app, g));
  c.push_back(add_unit_command(app, g));
  c.push_back(add_completion_command(app));
  c.push_back(add_man_command(app));
  return cli;
}

int headroom_main(int argc, char** argv) {
  const std::unique_ptr<Cli> cli = make_cli();
  CLI::App& app = cli->app;
  const std::vector<Command>& commands = cli->commands;
  std::vector<std::string>& after_dashes = cli->globals.after_dashes;

  // `run --config FILE` / `unit --config FILE`: the file's options become flags (one parser).
  std::vector<std::string> expanded;
  std::vector<char*> expanded_argv;
  if (argc > 1 && (std::string_view(argv[1]) == "run" || std::string_view(argv[1]) == "unit")) {
    auto args = expand_config(std::vector<std::string>(argv + 2, argv + argc));
    if (!args) return Console().fail(args.error().message, 2);
    expanded = std::move(*args);
    expanded_argv = {argv[0], argv[1]};
    for (std::string& a : expanded)
      expanded_argv.push_back(a.data());
    argc = static_cast<int>(expanded_argv.size());
    expanded_argv.push_back(nullptr);
    argv = expanded_argv.data();
  }
  // What follows `--` is a command line (the server's, or one to lint), taken word for word.
  const std::string_view sub = argc > 1 ? argv[1] : "";
  if (sub == "lint" || sub == "run" || sub == "unit" || sub == "plan") {
    for (int i = 2; i < argc; ++i) {
      if (std::string_view(argv[i]) != "--") continue;
      after_dashes.assign(argv + i + 1, argv + argc);
      argc = i;
      break;
    }
  }

  // CLI11 reports an unknown command as "A subcommand is required"; say what was wrong.
  if (argc > 1 && argv[1][0] != '-') {
    std::string names;
    bool known = false;
    for (const Command& c : commands) {
      known |= c.app->get_name() == argv[1];
      if (c.app->get_group().empty()) continue;  // hidden (man)
      names += (names.empty() ? "" : ", ") + c.app->get_name();
    }
    if (!known) {
      return Console().fail(
          fmt::format("unknown command \"{}\" (commands: {}; see --help)", argv[1], names));
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    Console console;
    std::string msg = e.what();
    if (msg.empty()) msg = e.get_name();
    return console.fail(msg + " (run with --help for usage)", 2);
  }
  for (const Command& c : commands) {
    if (c.app->parsed()) return c.run();
  }
  return 2;
}

}  // namespace headroom
