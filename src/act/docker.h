// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The Docker Engine API over its unix socket (DOCKER_HOST=unix://..., or /var/run/docker.sock),
// spoken with libcurl: inspect, stop with a grace period, kill, remove, start, the events of a
// container, its processes. Errors carry the engine's own message ("No such container: x") or
// say which socket could not be reached. No shelling out to the docker binary.
//
// libcurl is loaded with dlopen when a client is first made, so the commands that never talk to
// Docker (status, wait) do not map it and its dependencies: they stay small in memory.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace headroom {

struct ContainerState {
  std::string id, name, image;
  std::string status;  // created, running, paused, restarting, removing, exited, dead
  bool running = false;
  int exit_code = 0;
  bool oom_killed = false;   // Docker's view: false when the GPU allocation failed (FIELD.md 1)
  int pid = 0;               // host PID of the container's first process while it runs
  std::string health;        // "", starting, healthy, unhealthy (the image's HEALTHCHECK)
  bool auto_remove = false;  // started with --rm
  std::string restart_policy;
};

struct DockerEvent {
  std::string action;                             // die, oom, kill, stop, start, destroy...
  std::map<std::string, std::string> attributes;  // exitCode, signal, name...
  int64_t time_nano = 0;
};

// What headroom asks of the engine. DockerClient speaks it over the socket; the tests' FakeDocker
// (tests/helpers/fake_docker.h) plays it in memory.
class DockerApi {
 public:
  virtual ~DockerApi() = default;

  virtual Status ping() = 0;
  // A container that does not exist is not an error: `exists` is false.
  struct Found {
    bool exists = false;
    ContainerState state;
  };
  virtual Result<Found> inspect(const std::string& name) = 0;
  // SIGTERM (its stop signal), then SIGKILL after timeout_s.
  virtual Status stop(const std::string& name, int timeout_s) = 0;
  virtual Status kill(const std::string& name, const std::string& signal) = 0;
  virtual Status remove(const std::string& name, bool force) = 0;
  virtual Status start(const std::string& name) = 0;
  // Events about the container between two UNIX times (seconds).
  virtual Result<std::vector<DockerEvent>> events(const std::string& name, int64_t since,
                                                  int64_t until) = 0;
  // Host PIDs of the container's processes (GET /containers/NAME/top).
  virtual Result<std::vector<int>> pids(const std::string& name) = 0;
};

// The Engine API over the unix socket, with libcurl.
class DockerClient : public DockerApi {
 public:
  // The socket from DOCKER_HOST (unix:// only) or /var/run/docker.sock; `socket` overrides.
  // Fails when libcurl cannot be loaded; does not contact the engine.
  static Result<std::unique_ptr<DockerApi>> open(const std::string& socket = {});
  ~DockerClient() override;
  DockerClient(const DockerClient&) = delete;
  DockerClient& operator=(const DockerClient&) = delete;

  const std::string& socket() const { return socket_; }

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
  DockerClient() = default;
  struct Response {
    long code = 0;
    std::string body;
  };
  Result<Response> call(const std::string& method, const std::string& path, long timeout_ms);
  // The engine's message for a failed call: {"message": "..."} or the body.
  Error engine_error(const std::string& what, const Response& r) const;
  std::string socket_;
  void* curl_ = nullptr;
};

// How the engine's refusal of a call reads: "stop x: Docker says: No such container: x (HTTP 404)".
// The tests' fake engine words its refusals with it too.
Error docker_says(const std::string& what, const std::string& message, long http_code);

// "unix:///run/docker.sock" -> "/run/docker.sock"; the default when DOCKER_HOST is unset. tcp://
// and ssh:// are refused with a reason.
Result<std::string> docker_socket_from_env();

}  // namespace headroom
