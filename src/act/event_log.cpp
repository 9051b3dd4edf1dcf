// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "act/event_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>

namespace headroom {

EventLog::~EventLog() {
  if (fd_ >= 0) ::close(fd_);
}

Status EventLog::open(const std::string& path) {
  path_ = path;
  std::error_code ec;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) return Error{path + ": " + std::strerror(errno), errno};
  return {};
}

void EventLog::append(const std::string& line) {
  if (fd_ < 0) return;
  const std::string l = line + "\n";
  (void)!::write(fd_, l.data(), l.size());
}

std::string default_event_path(const std::string& name) {
  std::string dir;
  // systemd's StateDirectory= (the units headroom writes have StateDirectory=headroom): the
  // first of its colon-separated paths, whoever the unit runs as.
  if (const char* st = std::getenv("STATE_DIRECTORY"); st != nullptr && *st == '/') {
    const std::string_view first = std::string_view(st).substr(0, std::string_view(st).find(':'));
    return std::string(first) + "/" + name + ".events.jsonl";
  }
  if (::geteuid() == 0) {
    dir = "/var/lib/headroom";
  } else if (const char* x = std::getenv("XDG_STATE_HOME"); x != nullptr && *x == '/') {
    dir = std::string(x) + "/headroom";
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    dir = std::string(home) + "/.local/state/headroom";
  } else {
    dir = "/tmp/headroom-" + std::to_string(::getuid());
  }
  return dir + "/" + name + ".events.jsonl";
}

}  // namespace headroom
