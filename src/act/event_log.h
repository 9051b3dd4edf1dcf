// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The event file: one JSON object per line, appended, the record `headroom why` reads.
#pragma once

#include <string>

#include "core/result.h"

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

}  // namespace headroom
