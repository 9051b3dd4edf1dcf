// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "act/event_log.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/contract.h"
#include "core/duration.h"
#include "core/signals.h"
#include "core/text.h"

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
  // A full disk or a closed file must not stop the supervisor: the event is also on the console
  // and in the metrics, so a lost line is not worth failing the server for.
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

std::string iso_now() {
  timeval tv{};
  ::gettimeofday(&tv, nullptr);
  std::tm tm{};
  ::gmtime_r(&tv.tv_sec, &tm);
  std::array<char, 32> buf{};
  std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", buf.data(), static_cast<int>(tv.tv_usec / 1000));
}

const char* event_name(RunEvent::Kind k) {
  switch (k) {
    case RunEvent::Kind::kGateOpened:
      return "gate_opened";
    case RunEvent::Kind::kStarted:
      return "started";
    case RunEvent::Kind::kReady:
      return "ready";
    case RunEvent::Kind::kDied:
      return "died";
    case RunEvent::Kind::kRestarting:
      return "restarting";
    case RunEvent::Kind::kGaveUp:
      return "gave_up";
    case RunEvent::Kind::kStopping:
      return "stopping";
    case RunEvent::Kind::kExited:
      return "exited";
    case RunEvent::Kind::kProbe:
      return "probe";
    case RunEvent::Kind::kWaiting:
      return "waiting";
  }
  return "?";
}

std::string event_json(const std::string& name, const RunEvent& e, const std::string& wall_time) {
  nlohmann::ordered_json j;
  j["version"] = kJsonVersion;
  j["time"] = wall_time;
  // CLOCK_MONOTONIC, to line events up with other tools' timestamps on this machine.
  j["monotonic_s"] = to_seconds(std::chrono::steady_clock::now().time_since_epoch());
  j["name"] = name;
  j["event"] = event_name(e.kind);
  if (e.pid != 0) j["pid"] = e.pid;
  if (e.attempt != 0) j["attempt"] = e.attempt;
  if (e.kind == RunEvent::Kind::kGateOpened || e.kind == RunEvent::Kind::kReady) {
    j["seconds"] = e.seconds;
  }
  if (e.kind == RunEvent::Kind::kGateOpened) j["settle_seconds"] = e.settle_seconds;
  if (e.kind == RunEvent::Kind::kStopping) j["signal"] = signal_name(e.signal);
  if (e.probe) {
    j["probe"] = e.probe->probe;
    j["result"] = e.probe->ok ? std::string("ok") : e.probe->result;
    if (e.probe->http_status != 0) j["http_status"] = e.probe->http_status;
    j["detail"] = e.probe->detail;
    j["previous_answers"] = e.count;
  }
  if (e.verdict) {
    j["reason"] = e.verdict->reason;
    j["verdict"] = e.verdict->line;
    j["exit_status"] = e.verdict->exit_status;
  }
  if (e.kind == RunEvent::Kind::kExited) j["exit_status"] = e.exit_status;
  if (!e.text.empty()) j["text"] = e.text;
  return j.dump();
}

std::string event_sentence(const RunEvent& e, const std::string& command) {
  switch (e.kind) {
    case RunEvent::Kind::kGateOpened:
      return fmt::format(
          "memory gate open after {}{}",
          format_duration(from_seconds(e.seconds + e.settle_seconds)),
          e.seconds > 0 && e.settle_seconds > 0
              ? fmt::format(" (held {}, then settled {})", format_duration(from_seconds(e.seconds)),
                            format_duration(from_seconds(e.settle_seconds)))
              : "");
    case RunEvent::Kind::kStarted:
      return fmt::format("started pid {} (attempt {}): {}", e.pid, e.attempt, command);
    case RunEvent::Kind::kReady:
      return e.seconds > 0
                 ? fmt::format("ready: healthy after {}", format_duration(from_seconds(e.seconds)))
                 : "running (no --health: started counts as ready)";
    case RunEvent::Kind::kDied:
      return e.verdict ? e.verdict->line : "died";
    case RunEvent::Kind::kRestarting:
      if (!e.text.empty()) return "restarting: " + e.text;
      return fmt::format("restarting after {}{}", e.verdict ? e.verdict->reason : "a failure",
                         e.seconds > 0 ? fmt::format(" (not before {} after the death)",
                                                     format_duration(from_seconds(e.seconds)))
                                       : "; the memory gate decides when");
    case RunEvent::Kind::kGaveUp:
      return fmt::format("gave up: {}", e.text);
    case RunEvent::Kind::kStopping:
      return fmt::format("stopping pid {}: {}; {}", e.pid, e.text, signal_name(e.signal));
    case RunEvent::Kind::kProbe:
      return e.count > 0 ? fmt::format("{} (after {} other answer{})", e.text, e.count,
                                       e.count == 1 ? "" : "s")
                         : e.text;
    case RunEvent::Kind::kExited:
      return fmt::format("exiting with status {}", e.exit_status);
    case RunEvent::Kind::kWaiting:
      return e.text;
  }
  return {};
}

std::optional<RunEvent::Kind> event_kind(std::string_view name) {
  for (int k = 0; k <= static_cast<int>(RunEvent::Kind::kWaiting); ++k) {
    const auto kind = static_cast<RunEvent::Kind>(k);
    if (name == event_name(kind)) return kind;
  }
  return std::nullopt;
}

EventFile parse_events(std::string_view text) {
  EventFile out;
  LineReader lines(text);
  int line_no = 0;
  for (std::string_view line; lines.next(line);) {
    ++line_no;
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("event")) {
      out.bad_lines.push_back(line_no);
      continue;
    }
    const auto str = [&j](const char* key) {
      const auto it = j.find(key);
      return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    EventRecord r;
    r.line = line_no;
    r.event = str("event");
    r.kind = event_kind(r.event);
    r.time = str("time");
    r.name = str("name");
    r.text = str("text");
    r.verdict = str("verdict");
    if (const auto it = j.find("result"); it != j.end() && it->is_string()) {
      r.result = it->get<std::string>();
    }
    r.json = j.dump();
    out.events.push_back(std::move(r));
  }
  return out;
}

}  // namespace headroom
