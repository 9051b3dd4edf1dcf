// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "act/registry.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "probe/fs.h"

namespace headroom {
namespace {

std::string path_of(const std::string& name) {
  return runtime_dir() + "/" + name + ".json";
}

bool alive(int pid) {
  return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
}

}  // namespace

bool valid_run_name(std::string_view name) {
  if (name.empty() || name.size() > 200 || name[0] == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == '@';
  });
}

std::string runtime_dir() {
  if (::geteuid() == 0) return "/run/headroom";
  if (const char* x = std::getenv("XDG_RUNTIME_DIR"); x != nullptr && *x == '/') {
    return std::string(x) + "/headroom";
  }
  return "/tmp/headroom-" + std::to_string(::getuid());
}

Status register_run(const Registration& r) {
  if (!valid_run_name(r.name)) {
    return make_error("--name \"" + r.name + "\": use letters, digits, '-', '_', '.', '@'");
  }
  std::error_code ec;
  std::filesystem::create_directories(runtime_dir(), ec);
  if (auto old = find_run(r.name); old && old->pid != r.pid) {
    return make_error("a headroom run named " + r.name + " is already running (pid " +
                      std::to_string(old->pid) + "); give this one another --name");
  }
  nlohmann::json j{
      {"pid", r.pid}, {"name", r.name}, {"events", r.events}, {"container", r.container}};
  return write_file_atomic(path_of(r.name), j.dump() + "\n");
}

void unregister_run(const std::string& name, int pid) {
  auto r = find_run(name);
  if (r && r->pid == pid) ::unlink(path_of(name).c_str());
}

Result<Registration> find_run(const std::string& name) {
  const std::string path = path_of(name);
  auto text = read_file(path);
  if (!text) {
    return make_error("no headroom run named " + name + " is running here (" + path +
                      " does not exist; start it with `headroom run --name " + name + "`)");
  }
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return make_error(path + ": not a registration");
  Registration r;
  r.pid = j.value("pid", 0);
  r.name = j.value("name", name);
  r.events = j.value("events", "");
  r.container = j.value("container", "");
  if (!alive(r.pid)) {
    return make_error("no headroom run named " + name + " is running here (" + path +
                      " names pid " + std::to_string(r.pid) + ", which has exited)");
  }
  return r;
}

Result<RestartLock> RestartLock::take(const std::string& key, bool wait) {
  std::string dir = runtime_dir() + "/locks";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string safe;
  for (char c : key)
    safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
  const std::string path = dir + "/" + safe + ".lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Error{path + ": " + std::strerror(errno), errno};
  if (::flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
    const int e = errno;
    ::close(fd);
    if (e == EWOULDBLOCK) {
      return Error{"another `headroom restart` of " + key + " is in progress (" + path +
                       "); wait for it, or drop --no-wait to queue behind it",
                   e};
    }
    return Error{path + ": " + std::strerror(e), e};
  }
  return RestartLock(fd);
}

RestartLock::~RestartLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace headroom
