// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The /metrics endpoint, and /ready and /live for Kubernetes probes: a listening socket and its
// connections, served from the run loop without threads. Each connection reads one request (at
// most 8 KiB, 5 s) and gets one answer.
#pragma once

#include <poll.h>

#include <functional>
#include <string>
#include <vector>

#include "core/duration.h"
#include "core/result.h"
#include "core/url.h"

namespace headroom {

class MetricsServer {
 public:
  using Render = std::function<std::string()>;
  // Whether the server is ready for traffic, and a line saying what it is doing.
  struct Readiness {
    bool ready = false;
    std::string status;
  };
  using Ready = std::function<Readiness()>;
  MetricsServer() = default;
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Binds and listens. Errors name the address ("127.0.0.1:9464: Address already in use").
  // GET /metrics (and /): render(). GET /ready: 200 when ready() says so, else 503 (a readiness
  // or startup probe). GET /live: 200 while headroom's loop answers (a liveness probe: headroom
  // restarts a wedged server itself; the kubelet need only restart a wedged headroom).
  Status listen(const ListenAddress& addr, Render render, Ready ready = {});
  bool active() const { return listen_fd_ >= 0; }
  uint16_t port() const { return port_; }

  // The fds to poll, appended with their events.
  void add_polls(std::vector<pollfd>& fds) const;
  // Handles whatever is ready among them (call with the poll results).
  void handle(const std::vector<pollfd>& fds, Instant now);

 private:
  struct Conn {
    int fd;
    std::string in, out;
    size_t sent = 0;
    Instant deadline;
  };
  void answer(Conn& c);
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  Render render_;
  Ready ready_;
  std::vector<Conn> conns_;
};

}  // namespace headroom
