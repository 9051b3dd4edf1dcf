// headroom: start and restart LLM inference servers safely on unified-memory machines.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string_view>
#include <vector>

#include "cli/common.h"
#include "cli/config_file.h"
#include "cli/console.h"
#include "headroom_version.h"

int main(int argc, char** argv) {
  using namespace headroom;
  CLI::App app{
      "headroom: start and restart LLM inference servers safely on unified-memory GPU machines "
      "(DGX Spark / GB10, Jetson, Grace Hopper, Strix Halo).\n"
      "Exit codes: 0 ok, 1 condition not met (timeout, short of memory), 2 usage or input error.",
      "headroom"};
  app.set_version_flag("--version", "headroom " HEADROOM_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // global options are accepted after the subcommand too

  Globals globals;
  app.add_option("--root", globals.root,
                 "Read /proc and /sys under DIR instead of / (for fixture trees and tests; "
                 "default /)")
      ->type_name("DIR");

  std::vector<Command> commands;
  commands.push_back(add_status_command(app, globals));
  commands.push_back(add_wait_command(app, globals));
  commands.push_back(add_run_command(app, globals));
  commands.push_back(add_restart_command(app, globals));
  commands.push_back(add_why_command(app, globals));
  // `headroom lint FILE… -- docker run …`: what follows -- is a command line to lint, not files.
  std::vector<std::string> lint_command;
  commands.push_back(add_lint_command(app, globals, &lint_command));
  commands.push_back(add_plan_command(app, globals));
  commands.push_back(add_cache_command(app, globals));
  commands.push_back(add_unit_command(app, globals));
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
  if (argc > 1 && std::string_view(argv[1]) == "lint") {
    for (int i = 2; i < argc; ++i) {
      if (std::string_view(argv[i]) != "--") continue;
      lint_command.assign(argv + i + 1, argv + argc);
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
