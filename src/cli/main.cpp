// headroom: start and restart LLM inference servers safely on unified-memory machines.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string_view>
#include <vector>

#include "cli/app.h"
#include "cli/common.h"
#include "cli/config_file.h"
#include "cli/console.h"

int main(int argc, char** argv) {
  using namespace headroom;
  const std::unique_ptr<Cli> cli = make_cli();
  CLI::App& app = cli->app;
  const std::vector<Command>& commands = cli->commands;
  std::vector<std::string>& lint_command = cli->lint_command;

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
