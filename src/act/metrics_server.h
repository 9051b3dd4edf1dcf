// The /metrics endpoint: a listening socket and its connections, served from the run loop
// without threads. Each connection reads one request (at most 8 KiB, 5 s) and gets one answer.
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
  MetricsServer() = default;
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Binds and listens. Errors name the address ("127.0.0.1:9464: Address already in use").
  Status listen(const ListenAddress& addr, Render render);
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
  std::vector<Conn> conns_;
};

}  // namespace headroom
