// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `headroom why [NAME]`: the last verdicts from a `headroom run` event file.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "act/event_log.h"
#include "cli/common.h"
#include "cli/console.h"

namespace headroom {
namespace {

struct WhyOptions {
  std::string name;
  std::string events;
  int count = 10;
  bool all = false;
  bool json = false;
};

int run_why(const WhyOptions& o) {
  Console console;
  std::string path = o.events;
  if (path.empty()) {
    if (!o.name.empty()) {
      path = default_event_path(o.name);
    } else {
      // One supervised server: its file. Several: name them.
      const std::filesystem::path dir =
          std::filesystem::path(default_event_path("x")).parent_path();
      std::vector<std::string> names;
      std::error_code ec;
      for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const std::string f = entry.path().filename().string();
        const std::string suffix = ".events.jsonl";
        if (f.size() > suffix.size() &&
            f.compare(f.size() - suffix.size(), suffix.size(), suffix) == 0) {
          names.push_back(f.substr(0, f.size() - suffix.size()));
        }
      }
      if (names.empty()) {
        return console.fail(fmt::format(
            "no event files in {}: nothing has run under `headroom run` here yet (or give --events "
            "FILE)",
            dir.string()));
      }
      if (names.size() > 1) {
        std::string list;
        for (const std::string& n : names)
          list += " " + n;
        return console.fail(fmt::format("several servers have events; name one:{}", list));
      }
      path = default_event_path(names.front());
    }
  }
  std::ifstream in(path);
  if (!in) {
    return console.fail(
        fmt::format("{}: cannot read ({}){}", path, std::strerror(errno),
                    o.events.empty() ? "; run it under `headroom run --name NAME`" : ""));
  }
  std::vector<nlohmann::json> picked;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("event")) {
      console.warn(fmt::format("{}:{}: not an event (skipped)", path, line_no));
      continue;
    }
    const std::string ev = j["event"].is_string() ? j["event"].get<std::string>() : "";
    // Deaths, why headroom stopped a server, what its probes answered when they failed, and what
    // held its starts back (the pool's queue, a neighbour's claim: once per change of cause).
    const bool failed_probe = ev == "probe" && j.value("result", "ok") != "ok";
    if (o.all || ev == "died" || ev == "gave_up" || ev == "stopping" || ev == "waiting" ||
        failed_probe) {
      picked.push_back(std::move(j));
    }
  }
  const size_t from = picked.size() > static_cast<size_t>(o.count)
                          ? picked.size() - static_cast<size_t>(o.count)
                          : 0;
  if (picked.empty()) {
    console.line(fmt::format("{}: no deaths recorded", path));
    return 0;
  }
  for (size_t i = from; i < picked.size(); ++i) {
    const nlohmann::json& j = picked[i];
    if (o.json) {
      console.line(j.dump());
      continue;
    }
    auto str = [&j](const char* key) {
      return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
    };
    std::string time = str("time");
    if (time.size() >= 19) time = time.substr(0, 10) + " " + time.substr(11, 8);
    std::string text = str("verdict");
    if (str("event") == "gave_up")
      text = "gave up: " + str("text") + (text.empty() ? "" : " — " + text);
    if (str("event") == "waiting") text = str("text");
    if (text.empty()) text = str("event") + (str("text").empty() ? "" : ": " + str("text"));
    console.line(fmt::format("{}  {}  {}", time, str("name"), text));
  }
  return 0;
}

}  // namespace

Command add_why_command(CLI::App& parent, const Globals&) {
  auto o = std::make_shared<WhyOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "why",
      "Show the last verdicts of a server run under `headroom run`: why it died, why headroom "
      "stopped it, what its probes answered.");
  cmd->add_option("name", o->name, "The run's --name (default: the only one there is)");
  cmd->add_option("--events", o->events, "Read this event file instead")->type_name("FILE");
  cmd->add_option("-n,--count", o->count, "How many (default 10)")->type_name("N");
  cmd->add_flag("--all", o->all, "Every event, not only deaths");
  cmd->add_flag("--json", o->json, "The events as JSON lines");
  return Command{cmd, [o] { return run_why(*o); }};
}

}  // namespace headroom
