// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "cli/console.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace headroom {
namespace {

// systemd sets JOURNAL_STREAM=<dev>:<ino> for the stdout/stderr it connects to the journal.
bool stderr_is_journal() {
  const char* js = std::getenv("JOURNAL_STREAM");
  if (js == nullptr) return false;
  struct stat st {};
  if (::fstat(STDERR_FILENO, &st) != 0) return false;
  const std::string expect = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  return expect == js;
}

void write_all(std::FILE* f, std::string_view prefix, std::string_view text) {
  std::fwrite(prefix.data(), 1, prefix.size(), f);
  std::fwrite(text.data(), 1, text.size(), f);
  std::fputc('\n', f);
  std::fflush(f);
}

}  // namespace

Console::Console()
    : tty_(::isatty(STDOUT_FILENO) == 1),
      stderr_tty_(::isatty(STDERR_FILENO) == 1),
      journal_(stderr_is_journal()) {}

void Console::line(std::string_view text) {
  end_progress();
  write_all(stdout, "", text);
}

void Console::note(std::string_view text) {
  end_progress();
  write_all(stderr, journal_ ? "<6>" : "", text);
}

void Console::warn(std::string_view text) {
  end_progress();
  write_all(stderr, journal_ ? "<4>headroom: warning: " : "headroom: warning: ", text);
}

int Console::fail(std::string_view text, int code) {
  end_progress();
  write_all(stderr, journal_ ? "<3>headroom: error: " : "headroom: error: ", text);
  return code;
}

void Console::progress(std::string_view text) {
  if (!stderr_tty_) return;
  std::fputs("\r\033[K", stderr);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
  progress_shown_ = true;
}

void Console::end_progress() {
  if (!progress_shown_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  progress_shown_ = false;
}

}  // namespace headroom
