// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "act/metrics_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace headroom {
namespace {

constexpr size_t kMaxRequest = 8192;
constexpr size_t kMaxConns = 16;
constexpr auto kConnTimeout = std::chrono::seconds(5);

}  // namespace

MetricsServer::~MetricsServer() {
  if (listen_fd_ >= 0) ::close(listen_fd_);
  for (Conn& c : conns_)
    ::close(c.fd);
}

Status MetricsServer::listen(const ListenAddress& a, Render render, Ready ready) {
  render_ = std::move(render);
  ready_ = std::move(ready);
  sockaddr_storage ss{};
  socklen_t len = 0;
  const std::string host = a.host == "localhost" ? "127.0.0.1" : a.host;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(a.port);
    len = sizeof *v4;
  } else if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(a.port);
    len = sizeof *v6;
  } else {
    return make_error(
        fmt::format("--metrics {}:{}: give an IP address to listen on", a.host, a.port));
  }
  const std::string where = fmt::format("--metrics {}:{}", a.host, a.port);
  listen_fd_ = ::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return Error{where + ": " + std::strerror(errno), errno};
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0 ||
      ::listen(listen_fd_, 16) != 0) {
    const int e = errno;
    ::close(listen_fd_);
    listen_fd_ = -1;
    return Error{where + ": " + std::strerror(e), e};
  }
  sockaddr_storage bound{};
  socklen_t blen = sizeof bound;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &blen);
  port_ = ntohs(bound.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&bound)->sin_port
                                           : reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
  return {};
}

void MetricsServer::add_polls(std::vector<pollfd>& fds) const {
  if (listen_fd_ < 0) return;
  if (conns_.size() < kMaxConns) fds.push_back(pollfd{listen_fd_, POLLIN, 0});
  for (const Conn& c : conns_) {
    fds.push_back(pollfd{c.fd, static_cast<short>(c.out.empty() ? POLLIN : POLLOUT), 0});
  }
}

void MetricsServer::answer(Conn& c) {
  // "GET /metrics?x=1 HTTP/1.1": the method, and the path without its query string (a scrape
  // configuration with `params:` sends one; nothing here takes parameters).
  const std::string_view line = std::string_view(c.in).substr(0, c.in.find("\r\n"));
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  const std::string_view method = line.substr(0, sp1);
  std::string_view path =
      sp2 == std::string_view::npos ? std::string_view() : line.substr(sp1 + 1, sp2 - sp1 - 1);
  path = path.substr(0, path.find('?'));
  const bool head = method == "HEAD";
  auto is = [&](std::string_view p) { return path == p; };
  std::string status = "200 OK";
  std::string type = "text/plain";
  std::string body;
  std::string extra;
  if (method != "GET" && !head) {
    status = "405 Method Not Allowed";
    extra = "Allow: GET, HEAD\r\n";
    body = "only GET and HEAD\n";
  } else if (is("/metrics") || is("/")) {
    type = "text/plain; version=0.0.4; charset=utf-8";
    body = render_();
  } else if (is("/ready") && ready_) {
    const Readiness r = ready_();
    if (!r.ready) status = "503 Service Unavailable";
    body = fmt::format("{}: {}\n", r.ready ? "ready" : "not ready", r.status);
  } else if (is("/live")) {
    body = fmt::format("live: {}\n", ready_ ? ready_().status : "supervising");
  } else {
    status = "404 Not Found";
    body = "not found: try /metrics, /ready or /live\n";
  }
  c.out = fmt::format(
      "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{}Connection: close\r\n\r\n{}",
      status, type, body.size(), extra, head ? std::string() : body);
}

void MetricsServer::handle(const std::vector<pollfd>& fds, Instant now) {
  if (listen_fd_ < 0) return;
  for (const pollfd& p : fds) {
    if (p.revents == 0) continue;
    if (p.fd == listen_fd_) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd >= 0) conns_.push_back(Conn{fd, {}, {}, 0, now + kConnTimeout});
      continue;
    }
    auto it =
        std::find_if(conns_.begin(), conns_.end(), [&](const Conn& c) { return c.fd == p.fd; });
    if (it == conns_.end()) continue;
    Conn& c = *it;
    if (c.out.empty()) {
      char buf[2048];
      const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
      if (n <= 0 && errno != EAGAIN) {
        c.deadline = now;  // closed or broken: drop below
      } else if (n > 0) {
        c.in.append(buf, static_cast<size_t>(n));
        if (c.in.find("\r\n\r\n") != std::string::npos || c.in.find("\n\n") != std::string::npos ||
            c.in.size() >= kMaxRequest) {
          answer(c);
        }
      }
    } else {
      const ssize_t n = ::send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
      if (n > 0) c.sent += static_cast<size_t>(n);
      if (n < 0 && errno != EAGAIN) c.deadline = now;
    }
  }
  // Close what is answered, broken, or too slow.
  conns_.erase(std::remove_if(conns_.begin(), conns_.end(),
                              [&](Conn& c) {
                                const bool finished = !c.out.empty() && c.sent == c.out.size();
                                if (finished || now >= c.deadline) {
                                  ::close(c.fd);
                                  return true;
                                }
                                return false;
                              }),
               conns_.end());
}

}  // namespace headroom
