// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "helpers/fake_docker.h"

#include <fmt/format.h>
#include <signal.h>

#include <ctime>

#include "core/diagnosis.h"

namespace headroom::test {
namespace {

int64_t unix_now() {
  return static_cast<int64_t>(std::time(nullptr));
}

// "SIGTERM" -> 15; 0 when unknown.
int signal_number(const std::string& name) {
  for (int sig = 1; sig < NSIG; ++sig) {
    if (signal_name(sig) == name) return sig;
  }
  return 0;
}

}  // namespace

FakeDocker::Container& FakeDocker::run(const std::string& name, int pid) {
  Container& c = add(name, "running");
  c.state.running = true;
  c.state.pid = pid;
  c.pids = {pid};
  return c;
}

FakeDocker::Container& FakeDocker::add(const std::string& name, const std::string& status) {
  Container& c = containers[name];
  c.state.id = fmt::format("{:064x}", containers.size());
  c.state.name = name;
  c.state.image = "headroom-standin:test";
  c.state.status = status;
  c.state.running = false;
  c.state.pid = 0;
  return c;
}

void FakeDocker::log_event(const std::string& name, const std::string& action, int64_t unix_time,
                           std::map<std::string, std::string> attributes) {
  DockerEvent e;
  e.action = action;
  e.attributes = std::move(attributes);
  e.attributes["name"] = name;
  e.time_nano = (unix_time != 0 ? unix_time : unix_now()) * 1'000'000'000;
  log_[name].push_back(std::move(e));
}

void FakeDocker::end(const std::string& name, int code) {
  Container& c = containers.at(name);
  c.state.running = false;
  c.state.status = "exited";
  c.state.exit_code = code;
  c.state.pid = 0;
  c.pids.clear();
  log_event(name, "die", 0, {{"exitCode", std::to_string(code)}});
  if (c.state.auto_remove) {
    containers.erase(name);
    log_event(name, "destroy");
  }
}

void FakeDocker::die(const std::string& name, int exit_code, bool oom_killed) {
  containers.at(name).state.oom_killed = oom_killed;
  if (oom_killed) log_event(name, "oom");
  end(name, exit_code);
}

std::vector<std::string> FakeDocker::calls_to(const std::string& op) const {
  std::vector<std::string> out;
  for (const std::string& c : calls) {
    if (c == op || c.starts_with(op + " ")) out.push_back(c);
  }
  return out;
}

Status FakeDocker::scripted(const std::string& op, const std::string& what) const {
  if (!unreachable.empty()) return make_error(unreachable);
  if (auto r = refuse.find(op); r != refuse.end()) return docker_says(what, r->second, 500);
  return {};
}

Status FakeDocker::ping() {
  calls.push_back("ping");
  return scripted("ping", "ping");
}

Result<DockerApi::Found> FakeDocker::inspect(const std::string& name) {
  calls.push_back("inspect " + name);
  if (Status st = scripted("inspect", "inspect " + name); !st) return st.error();
  Found f;
  if (auto c = containers.find(name); c != containers.end()) {
    f.exists = true;
    f.state = c->second.state;
  }
  return f;
}

Status FakeDocker::stop(const std::string& name, int timeout_s) {
  calls.push_back(fmt::format("stop {} {}", name, timeout_s));
  const std::string what = "stop " + name;
  if (Status st = scripted("stop", what); !st) return st;
  auto c = containers.find(name);
  if (c == containers.end()) return docker_says(what, "No such container: " + name, 404);
  if (!c->second.state.running) return {};  // 304: not running
  log_event(name, "kill", 0, {{"signal", "15"}});
  end(name, c->second.exit_on_signal);
  if (containers.contains(name)) log_event(name, "stop");
  return {};
}

Status FakeDocker::kill(const std::string& name, const std::string& signal) {
  calls.push_back(fmt::format("kill {} {}", name, signal));
  const std::string what = "kill " + name;
  if (Status st = scripted("kill", what); !st) return st;
  auto c = containers.find(name);
  if (c == containers.end()) return docker_says(what, "No such container: " + name, 404);
  if (!c->second.state.running) {
    return docker_says(what,
                       fmt::format("Cannot kill container: {}: Container {} is not running", name,
                                   c->second.state.id),
                       409);
  }
  const int sig = signal_number(signal);
  log_event(name, "kill", 0, {{"signal", std::to_string(sig)}});
  end(name, sig == SIGKILL ? 137 : c->second.exit_on_signal);
  return {};
}

Status FakeDocker::remove(const std::string& name, bool force) {
  calls.push_back(force ? "remove " + name + " force" : "remove " + name);
  const std::string what = "remove " + name;
  if (Status st = scripted("remove", what); !st) return st;
  auto c = containers.find(name);
  if (c == containers.end()) return {};  // 404: already gone
  if (c->second.state.running && !force) {
    return docker_says(what,
                       fmt::format("You cannot remove a running container {}. Stop the container "
                                   "before attempting removal or force remove",
                                   c->second.state.id),
                       409);
  }
  if (c->second.state.running) log_event(name, "die", 0, {{"exitCode", "137"}});
  containers.erase(c);
  log_event(name, "destroy");
  return {};
}

Status FakeDocker::start(const std::string& name) {
  calls.push_back("start " + name);
  const std::string what = "start " + name;
  if (Status st = scripted("start", what); !st) return st;
  auto c = containers.find(name);
  if (c == containers.end()) return docker_says(what, "No such container: " + name, 404);
  if (c->second.state.running) return {};  // 304: already started
  ContainerState& s = c->second.state;
  s.running = true;
  s.status = "running";
  s.exit_code = 0;
  s.oom_killed = false;
  s.pid = next_pid_++;
  c->second.pids = {s.pid};
  log_event(name, "start");
  return {};
}

Result<std::vector<DockerEvent>> FakeDocker::events(const std::string& name, int64_t since,
                                                    int64_t until) {
  calls.push_back(fmt::format("events {} {} {}", name, since, until));
  if (Status st = scripted("events", "events of " + name); !st) return st.error();
  std::vector<DockerEvent> out;
  for (const DockerEvent& e : log_[name]) {
    const int64_t t = e.time_nano / 1'000'000'000;
    if (t >= since && t <= until) out.push_back(e);
  }
  return out;
}

Result<std::vector<int>> FakeDocker::pids(const std::string& name) {
  calls.push_back("pids " + name);
  const std::string what = "processes of " + name;
  if (Status st = scripted("pids", what); !st) return st.error();
  auto c = containers.find(name);
  if (c == containers.end()) return docker_says(what, "No such container: " + name, 404);
  if (!c->second.state.running) {
    return docker_says(what, fmt::format("Container {} is not running", c->second.state.id), 409);
  }
  return c->second.pids;
}

}  // namespace headroom::test
