// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "helpers/events.h"

#include <cstdio>
#include <fstream>
#include <thread>

#include "act/http_probe.h"
#include "core/url.h"

namespace headroom::test {

std::string http_get(int port, const std::string& path) {
  auto url = parse_http_url("http://127.0.0.1:" + std::to_string(port) + path);
  if (!url) return {};
  auto t = resolve_probe(*url, "GET", "");
  if (!t) return {};
  std::string resp;
  probe_blocking(*t, std::chrono::seconds(2), &resp);
  return resp;
}

std::vector<nlohmann::json> read_events(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded()) out.push_back(j);
  }
  return out;
}

nlohmann::json wait_event(const std::string& path,
                          const std::function<bool(const nlohmann::json&)>& pred,
                          std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    for (const nlohmann::json& e : read_events(path)) {
      if (pred(e)) return e;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return nlohmann::json();
}

std::function<bool(const nlohmann::json&)> event_is(std::string event, int attempt) {
  return [event = std::move(event), attempt](const nlohmann::json& e) {
    return e.value("event", "") == event && (attempt == 0 || e.value("attempt", 0) == attempt);
  };
}

nlohmann::json wait_nth(const std::string& path, const std::string& event, int nth,
                        std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int seen = 0;  // counted afresh on every read of the file
    for (const nlohmann::json& e : read_events(path)) {
      if (e.value("event", "") == event && ++seen == nth) return e;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return nlohmann::json();
}

std::optional<Release> read_release(Child& driver, std::chrono::milliseconds timeout) {
  Release r;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    const std::string line = driver.read_line(std::max(left, std::chrono::milliseconds(1)));
    if (line.empty()) return std::nullopt;
    Release::Step step;
    unsigned long long held = 0;
    int k = 0, n = 0;
    if (std::sscanf(line.c_str(), "step pid=%d k=%d/%d at=%lf held_mib=%llu", &r.pid, &k, &n,
                    &step.at, &held) == 5) {
      step.held_mib = held;
      r.steps.push_back(step);
      continue;
    }
    unsigned long long mib = 0;
    double lag = 0;
    if (std::sscanf(line.c_str(), "released pid=%d mib=%llu died=%lf freed=%lf lag=%lf drawn=%lf",
                    &r.pid, &mib, &r.died, &r.freed, &lag, &r.drawn) == 6) {
      return r;
    }
  }
  return std::nullopt;
}

}  // namespace headroom::test
