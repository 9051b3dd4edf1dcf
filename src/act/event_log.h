// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The event file: one JSON object per line, appended, the record `headroom why` reads; and its
// schema.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/supervisor.h"

namespace headroom {

class EventLog {
 public:
  EventLog() = default;
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Creates the parent directories and opens for appending.
  Status open(const std::string& path);
  bool is_open() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }
  // Appends one line (a newline is added). Whole lines: one write(2) with O_APPEND.
  void append(const std::string& line);

 private:
  int fd_ = -1;
  std::string path_;
};

// Where events go by default: $STATE_DIRECTORY/NAME.events.jsonl under a unit with
// StateDirectory=, else /var/lib/headroom/NAME.events.jsonl as root, else
// $XDG_STATE_HOME/headroom/ (~/.local/state/headroom/).
std::string default_event_path(const std::string& name);

// The event schema, one owner: the names, the line written for each event, the console's
// sentence for it, and the reader `headroom why` and `headroom restart headroom:NAME` share.
// docs/schema/ holds the JSON Schema the lines follow.

// The name written in the file's "event" field; event_kind is its inverse (nullopt for a name
// this version does not know: a newer headroom wrote it).
const char* event_name(RunEvent::Kind k);
std::optional<RunEvent::Kind> event_kind(std::string_view name);

// One line of the file for server `name`: a JSON object stamped with `wall_time` (ISO 8601, UTC,
// milliseconds) and CLOCK_MONOTONIC, to line events up with other tools' timestamps.
std::string event_json(const std::string& name, const RunEvent& e, const std::string& wall_time);
// The console's sentence for the event; `command` is the server's command line, for kStarted.
std::string event_sentence(const RunEvent& e, const std::string& command);
// Now as event_json stamps it: "2026-12-03T06:08:38.123Z".
std::string iso_now();

// One line of an event file, read back.
struct EventRecord {
  int line = 0;                        // 1-based, in the file
  std::string event;                   // the "event" field as written ("" when not a string)
  std::optional<RunEvent::Kind> kind;  // event_kind(event)
  std::string time, name, text, verdict;
  std::string result = "ok";  // a probe event's answer
  std::string json;           // the object, serialized again (`why --json`)
};

struct EventFile {
  std::vector<EventRecord> events;
  std::vector<int> bad_lines;  // lines that are not an event object (skipped), 1-based
};

// An event file grows for the life of a server (a line per event, ~300 bytes): read it whole up to
// this much, far above the file reader's default limit for configuration files.
inline constexpr size_t kMaxEventFileBytes = size_t{256} << 20;

// Reads event-file text; empty lines are neither events nor bad.
EventFile parse_events(std::string_view text);

}  // namespace headroom
