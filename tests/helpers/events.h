// Reading a `headroom run` event file and poking servers, for the integration tests.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace headroom::test {

// GET http://127.0.0.1:port/path; the whole answer (status line first), "" on failure.
std::string http_get(int port, const std::string& path);

std::vector<nlohmann::json> read_events(const std::string& path);

// Polls the event file until `pred` holds for some event; returns it (null on timeout).
nlohmann::json wait_event(const std::string& path,
                          const std::function<bool(const nlohmann::json&)>& pred,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));

// The nth (from 1) event named `event`.
nlohmann::json wait_nth(const std::string& path, const std::string& event, int nth = 1,
                        std::chrono::milliseconds timeout = std::chrono::seconds(40));

}  // namespace headroom::test
