// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "act/docker.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

namespace headroom {
namespace {

// The few libcurl functions used, resolved at run time (see the header).
struct Curl {
  CURL* (*easy_init)() = nullptr;
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...) = nullptr;
  CURLcode (*easy_perform)(CURL*) = nullptr;
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...) = nullptr;
  void (*easy_reset)(CURL*) = nullptr;
  void (*easy_cleanup)(CURL*) = nullptr;
  const char* (*easy_strerror)(CURLcode) = nullptr;
  CURLcode (*global_init)(long) = nullptr;
  std::string error;
};

Curl load_curl() {
  Curl c;
  void* h = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (h == nullptr) {
    c.error = "libcurl.so.4 not found (install libcurl4)";
    return c;
  }
  auto sym = [h](const char* name) { return ::dlsym(h, name); };
  c.easy_init = reinterpret_cast<decltype(c.easy_init)>(sym("curl_easy_init"));
  c.easy_setopt = reinterpret_cast<decltype(c.easy_setopt)>(sym("curl_easy_setopt"));
  c.easy_perform = reinterpret_cast<decltype(c.easy_perform)>(sym("curl_easy_perform"));
  c.easy_getinfo = reinterpret_cast<decltype(c.easy_getinfo)>(sym("curl_easy_getinfo"));
  c.easy_reset = reinterpret_cast<decltype(c.easy_reset)>(sym("curl_easy_reset"));
  c.easy_cleanup = reinterpret_cast<decltype(c.easy_cleanup)>(sym("curl_easy_cleanup"));
  c.easy_strerror = reinterpret_cast<decltype(c.easy_strerror)>(sym("curl_easy_strerror"));
  c.global_init = reinterpret_cast<decltype(c.global_init)>(sym("curl_global_init"));
  if (c.easy_init == nullptr || c.easy_setopt == nullptr || c.easy_perform == nullptr ||
      c.easy_getinfo == nullptr || c.easy_reset == nullptr || c.easy_cleanup == nullptr ||
      c.easy_strerror == nullptr || c.global_init == nullptr) {
    c.error = "libcurl.so.4 lacks the easy interface";
    return c;
  }
  c.global_init(CURL_GLOBAL_NOTHING);
  return c;
}

const Curl& curl() {
  static const Curl c = load_curl();
  return c;
}

size_t append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

std::string escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

constexpr long kDefaultTimeoutMs = 15000;

}  // namespace

Result<std::string> docker_socket_from_env() {
  const char* host = std::getenv("DOCKER_HOST");
  if (host == nullptr || *host == '\0') return std::string("/var/run/docker.sock");
  const std::string h = host;
  if (h.rfind("unix://", 0) == 0) return h.substr(7);
  return make_error(fmt::format(
      "DOCKER_HOST={}: only unix:// sockets are supported (headroom talks to the engine on this "
      "machine)",
      h));
}

Result<std::unique_ptr<DockerApi>> DockerClient::open(const std::string& socket) {
  std::unique_ptr<DockerClient> c(new DockerClient());
  if (socket.empty()) {
    auto s = docker_socket_from_env();
    if (!s) return s.error();
    c->socket_ = *s;
  } else {
    c->socket_ = socket;
  }
  const Curl& api = curl();
  if (!api.error.empty()) return make_error("cannot talk to Docker: " + api.error);
  c->curl_ = api.easy_init();
  if (c->curl_ == nullptr) return make_error("cannot talk to Docker: curl_easy_init failed");
  return std::unique_ptr<DockerApi>(std::move(c));
}

DockerClient::~DockerClient() {
  if (curl_ != nullptr) curl().easy_cleanup(static_cast<CURL*>(curl_));
}

Result<DockerClient::Response> DockerClient::call(const std::string& method,
                                                  const std::string& path, long timeout_ms) {
  const Curl& api = curl();
  CURL* h = static_cast<CURL*>(curl_);
  struct stat st {};
  if (::stat(socket_.c_str(), &st) != 0) {
    return Error{fmt::format("cannot reach the Docker engine at {}: {} (is dockerd running? "
                             "DOCKER_HOST=unix://PATH selects another socket)",
                             socket_, std::strerror(errno)),
                 errno};
  }
  api.easy_reset(h);
  Response r;
  const std::string url = "http://docker" + path;
  api.easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, socket_.c_str());
  api.easy_setopt(h, CURLOPT_URL, url.c_str());
  api.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  api.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
  api.easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  api.easy_setopt(h, CURLOPT_WRITEFUNCTION, &append);
  api.easy_setopt(h, CURLOPT_WRITEDATA, &r.body);
  if (method == "POST") {
    api.easy_setopt(h, CURLOPT_POST, 1L);
    api.easy_setopt(h, CURLOPT_POSTFIELDS, "");
    api.easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
  } else if (method != "GET") {
    api.easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  const CURLcode rc = api.easy_perform(h);
  if (rc != CURLE_OK) {
    return make_error(fmt::format("cannot reach the Docker engine at {}: {} ({} {})", socket_,
                                  api.easy_strerror(rc), method, path));
  }
  api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.code);
  return r;
}

Error DockerClient::engine_error(const std::string& what, const Response& r) const {
  std::string msg = r.body;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_discarded() && j.is_object() && j.contains("message") && j["message"].is_string()) {
    msg = j["message"].get<std::string>();
  }
  return docker_says(what, msg, r.code);
}

Error docker_says(const std::string& what, const std::string& message, long http_code) {
  std::string msg = message;
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
    msg.pop_back();
  return make_error(fmt::format("{}: Docker says: {} (HTTP {})", what, msg, http_code));
}

Status DockerClient::ping() {
  auto r = call("GET", "/_ping", 5000);
  if (!r) return r.error();
  if (r->code != 200) return engine_error("ping", *r);
  return {};
}

Result<DockerClient::Found> DockerClient::inspect(const std::string& name) {
  auto r = call("GET", "/containers/" + escape(name) + "/json", kDefaultTimeoutMs);
  if (!r) return r.error();
  Found f;
  if (r->code == 404) return f;
  if (r->code != 200) return engine_error("inspect " + name, *r);
  auto j = nlohmann::json::parse(r->body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return make_error("inspect " + name + ": the engine's answer is not JSON");
  }
  f.exists = true;
  ContainerState& s = f.state;
  s.id = j.value("Id", "");
  s.name = j.value("Name", "");
  if (!s.name.empty() && s.name.front() == '/') s.name.erase(0, 1);
  if (j.contains("Config") && j["Config"].is_object()) s.image = j["Config"].value("Image", "");
  if (j.contains("State") && j["State"].is_object()) {
    const auto& st = j["State"];
    s.status = st.value("Status", "");
    s.running = st.value("Running", false);
    s.exit_code = st.value("ExitCode", 0);
    s.oom_killed = st.value("OOMKilled", false);
    s.pid = st.value("Pid", 0);
    if (st.contains("Health") && st["Health"].is_object())
      s.health = st["Health"].value("Status", "");
  }
  if (j.contains("HostConfig") && j["HostConfig"].is_object()) {
    const auto& hc = j["HostConfig"];
    s.auto_remove = hc.value("AutoRemove", false);
    if (hc.contains("RestartPolicy") && hc["RestartPolicy"].is_object()) {
      s.restart_policy = hc["RestartPolicy"].value("Name", "");
    }
  }
  return f;
}

Status DockerClient::stop(const std::string& name, int timeout_s) {
  auto r = call("POST", fmt::format("/containers/{}/stop?t={}", escape(name), timeout_s),
                (timeout_s + 15) * 1000L);
  if (!r) return r.error();
  if (r->code == 204 || r->code == 304) return {};  // stopped, or was not running
  return engine_error("stop " + name, *r);
}

Status DockerClient::kill(const std::string& name, const std::string& signal) {
  auto r = call("POST", fmt::format("/containers/{}/kill?signal={}", escape(name), escape(signal)),
                kDefaultTimeoutMs);
  if (!r) return r.error();
  if (r->code == 204) return {};
  return engine_error("kill " + name, *r);
}

Status DockerClient::remove(const std::string& name, bool force) {
  auto r = call("DELETE", fmt::format("/containers/{}?force={}", escape(name), force ? 1 : 0),
                kDefaultTimeoutMs);
  if (!r) return r.error();
  if (r->code == 204 || r->code == 404) return {};
  // 409 "removal of container x is already in progress": --rm got there first.
  if (r->code == 409 && r->body.find("already in progress") != std::string::npos) return {};
  return engine_error("remove " + name, *r);
}

Status DockerClient::start(const std::string& name) {
  auto r = call("POST", "/containers/" + escape(name) + "/start", kDefaultTimeoutMs);
  if (!r) return r.error();
  if (r->code == 204 || r->code == 304) return {};
  return engine_error("start " + name, *r);
}

Result<std::vector<DockerEvent>> DockerClient::events(const std::string& name, int64_t since,
                                                      int64_t until) {
  const std::string filters = escape(fmt::format(R"({{"container":["{}"]}})", name));
  auto r = call("GET", fmt::format("/events?since={}&until={}&filters={}", since, until, filters),
                kDefaultTimeoutMs);
  if (!r) return r.error();
  if (r->code != 200) return engine_error("events of " + name, *r);
  std::vector<DockerEvent> out;
  size_t pos = 0;
  while (pos < r->body.size()) {
    size_t nl = r->body.find('\n', pos);
    if (nl == std::string::npos) nl = r->body.size();
    auto j = nlohmann::json::parse(r->body.substr(pos, nl - pos), nullptr, false);
    pos = nl + 1;
    if (j.is_discarded() || !j.is_object()) continue;
    DockerEvent e;
    e.action = j.value("Action", j.value("status", ""));
    e.time_nano = j.value("timeNano", int64_t{0});
    if (j.contains("Actor") && j["Actor"].contains("Attributes") &&
        j["Actor"]["Attributes"].is_object()) {
      for (const auto& [k, v] : j["Actor"]["Attributes"].items()) {
        if (v.is_string()) e.attributes[k] = v.get<std::string>();
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<int>> DockerClient::pids(const std::string& name) {
  auto r = call("GET", "/containers/" + escape(name) + "/top", kDefaultTimeoutMs);
  if (!r) return r.error();
  if (r->code != 200) return engine_error("processes of " + name, *r);
  auto j = nlohmann::json::parse(r->body, nullptr, false);
  std::vector<int> out;
  if (j.is_discarded() || !j.contains("Titles") || !j.contains("Processes")) return out;
  int col = -1;
  for (size_t i = 0; i < j["Titles"].size(); ++i) {
    if (j["Titles"][i] == "PID") col = static_cast<int>(i);
  }
  if (col < 0) return out;
  for (const auto& p : j["Processes"]) {
    if (p.is_array() && static_cast<size_t>(col) < p.size() &&
        p[static_cast<size_t>(col)].is_string()) {
      out.push_back(std::atoi(p[static_cast<size_t>(col)].get<std::string>().c_str()));
    }
  }
  return out;
}

}  // namespace headroom
