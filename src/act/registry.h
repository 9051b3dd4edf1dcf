// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Where running supervisors say who they are, so `headroom restart headroom:NAME` can find them:
// /run/headroom/NAME.json as root, else $XDG_RUNTIME_DIR/headroom/ (or /tmp/headroom-UID/).
// Restart locks live beside them.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace headroom {

std::string runtime_dir();

// A server name as run, restart and the pool ledger take it: letters, digits, '-', '_', '.',
// '@'; not empty, not starting with '.', at most 200 characters (it names files).
bool valid_run_name(std::string_view name);

struct Registration {
  int pid = 0;
  std::string name;
  std::string events;     // the run's event file
  std::string container;  // in Docker mode
};

// Writes NAME.json (atomically); a registration whose pid is not alive is stale and replaced.
// Refuses when a live supervisor already holds the name.
Status register_run(const Registration& r);
void unregister_run(const std::string& name, int pid);
// The live registration for NAME; an error says none is running.
Result<Registration> find_run(const std::string& name);

// An exclusive lock on runtime_dir()/locks/KEY.lock (flock), released when the object dies.
class RestartLock {
 public:
  // wait=false fails at once when another holder has it; the error says who waits for what.
  static Result<RestartLock> take(const std::string& key, bool wait);
  RestartLock(RestartLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  RestartLock& operator=(RestartLock&&) = delete;
  ~RestartLock();

 private:
  explicit RestartLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace headroom
