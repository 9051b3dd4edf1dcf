// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Where human output goes, and how: plain lines off a TTY, an in-place progress line on one,
// and syslog priority prefixes ("<4>") when stderr is the journal (SyslogLevelPrefix=, on by
// default in systemd), so warnings and errors keep their level in `journalctl`.
#pragma once

#include <string>
#include <string_view>

namespace headroom {

class Console {
 public:
  Console();

  bool tty() const { return tty_; }  // stdout is a terminal
  bool journal() const { return journal_; }

  // A line on stdout (ends a progress line first).
  void line(std::string_view text);
  // A line on stderr, for logs that must not mix with a JSON answer on stdout.
  void note(std::string_view text);
  // "headroom: warning: ..." on stderr.
  void warn(std::string_view text);
  // "headroom: error: ..." on stderr; returns `code` for `return console.fail(...)`.
  int fail(std::string_view text, int code = 2);

  // Rewrites the current progress line in place (TTY only; no-op otherwise).
  void progress(std::string_view text);
  // Clears the progress line if one is shown.
  void end_progress();

 private:
  bool tty_ = false;
  bool stderr_tty_ = false;
  bool journal_ = false;
  bool progress_shown_ = false;
};

}  // namespace headroom
