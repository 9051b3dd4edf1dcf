// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// A Docker engine in memory, for the unit tests of what speaks to Docker (act/run_host's Docker
// mode, act/restart_targets' DockerTarget): containers by name with their state, every call
// recorded, and what happens scripted by the test (a container dies with an exit code and the
// OOM flag, events, the engine refusing a call). Its refusals read as the real engine's do
// (act/docker.h's docker_says, with the engine's own messages).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "act/docker.h"

namespace headroom::test {

class FakeDocker : public DockerApi {
 public:
  struct Container {
    ContainerState state;
    std::vector<int> pids;  // what GET /containers/NAME/top lists while it runs
    // The exit code a stop or a signal other than SIGKILL ends it with; SIGKILL always gives 137.
    int exit_on_signal = 143;
  };

  // A running container named `name` whose first process is `pid` (its /top lists just that).
  Container& run(const std::string& name, int pid);
  // One in another state ("created", "exited", "paused", "removing", ...), not running.
  Container& add(const std::string& name, const std::string& status);
  // The container's process ends on its own: exited with `exit_code`, OOMKilled as told; the
  // engine logs "oom" (when OOM-killed) and "die", and removes it if it was started with --rm.
  void die(const std::string& name, int exit_code, bool oom_killed = false);
  // An event in the container's log at `unix_time` (seconds; 0: now).
  void log_event(const std::string& name, const std::string& action, int64_t unix_time = 0,
                 std::map<std::string, std::string> attributes = {});

  // The containers the engine knows, by name.
  std::map<std::string, Container> containers;
  // Every call, in order: "ping", "inspect web", "stop web 30", "kill web SIGTERM",
  // "remove web force" (or "remove web"), "start web", "events web SINCE UNTIL", "pids web".
  std::vector<std::string> calls;
  // The calls of one operation ("stop"), in order.
  std::vector<std::string> calls_to(const std::string& op) const;
  // An operation ("start", "inspect", ...) the engine refuses with this message (HTTP 500), as
  // long as it is here.
  std::map<std::string, std::string> refuse;
  // Set: the socket cannot be reached; every call fails with this message.
  std::string unreachable;

  Status ping() override;
  Result<Found> inspect(const std::string& name) override;
  Status stop(const std::string& name, int timeout_s) override;
  Status kill(const std::string& name, const std::string& signal) override;
  Status remove(const std::string& name, bool force) override;
  Status start(const std::string& name) override;
  Result<std::vector<DockerEvent>> events(const std::string& name, int64_t since,
                                          int64_t until) override;
  Result<std::vector<int>> pids(const std::string& name) override;

 private:
  // The refusal of a call, if the test scripted one (or the socket is unreachable).
  Status scripted(const std::string& op, const std::string& what) const;
  // The container's main process ends: exited with `code`, the engine's "die" event, --rm.
  void end(const std::string& name, int code);
  std::map<std::string, std::vector<DockerEvent>> log_;  // outlives removed containers
  int next_pid_ = 40000;
};

}  // namespace headroom::test
