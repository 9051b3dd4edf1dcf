// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `headroom why [NAME]`: the last verdicts from a `headroom run` event file.
#include <fmt/format.h>

#include <cstring>
#include <filesystem>

#include "act/event_log.h"
#include "cli/common.h"
#include "cli/console.h"
#include "probe/fs.h"

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
  auto text = read_file(path, kMaxEventFileBytes);
  if (!text) {
    return console.fail(
        fmt::format("{}: cannot read ({}){}", path, std::strerror(text.error().sys_errno),
                    o.events.empty() ? "; run it under `headroom run --name NAME`" : ""));
  }
  const EventFile file = parse_events(*text);
  for (const int bad : file.bad_lines)
    console.warn(fmt::format("{}:{}: not an event (skipped)", path, bad));
  std::vector<const EventRecord*> picked;
  for (const EventRecord& r : file.events) {
    // Deaths, why headroom stopped a server, what its probes answered when they failed, and what
    // held its starts back (the pool's queue, a neighbour's claim: once per change of cause).
    using K = RunEvent::Kind;
    const bool failed_probe = r.kind == K::kProbe && r.result != "ok";
    if (o.all || r.kind == K::kDied || r.kind == K::kGaveUp || r.kind == K::kStopping ||
        r.kind == K::kWaiting || failed_probe) {
      picked.push_back(&r);
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
    const EventRecord& r = *picked[i];
    if (o.json) {
      console.line(r.json);
      continue;
    }
    std::string time = r.time;
    if (time.size() >= 19) time = time.substr(0, 10) + " " + time.substr(11, 8);
    std::string text_line = r.verdict;
    if (r.kind == RunEvent::Kind::kGaveUp)
      text_line = "gave up: " + r.text + (text_line.empty() ? "" : " — " + text_line);
    if (r.kind == RunEvent::Kind::kWaiting) text_line = r.text;
    if (text_line.empty()) text_line = r.event + (r.text.empty() ? "" : ": " + r.text);
    console.line(fmt::format("{}  {}  {}", time, r.name, text_line));
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
