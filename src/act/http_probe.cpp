// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "act/http_probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace headroom {

Result<ProbeTarget> resolve_probe(const HttpUrl& url, std::string method, std::string body) {
  ProbeTarget t;
  t.url = url;
  t.method = std::move(method);
  t.body = std::move(body);
  const std::string host = url.host == "localhost" ? "127.0.0.1" : url.host;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&t.addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&t.addr);
  if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(url.port);
    t.addr_len = sizeof(sockaddr_in);
    return t;
  }
  if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(url.port);
    t.addr_len = sizeof(sockaddr_in6);
    return t;
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res); rc != 0) {
    return make_error(
        fmt::format("{}: cannot resolve {}: {}", url.str(), host, ::gai_strerror(rc)));
  }
  std::memcpy(&t.addr, res->ai_addr, res->ai_addrlen);
  t.addr_len = res->ai_addrlen;
  ::freeaddrinfo(res);
  if (t.addr.ss_family == AF_INET) v4->sin_port = htons(url.port);
  if (t.addr.ss_family == AF_INET6) v6->sin6_port = htons(url.port);
  return t;
}

HttpProbe::~HttpProbe() {
  if (fd_ >= 0) ::close(fd_);
}

void HttpProbe::finish(bool ok, std::string detail, std::string result) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  done_ = true;
  ok_ = ok;
  detail_ = std::move(detail);
  result_ = std::move(result);
}

namespace {

// The body's first bytes on one line: what a server said about a refused request
// ({"error":{"message":"Loading model"...}}, "\"prompt\" must be provided").
std::string body_head(std::string_view answer) {
  const size_t at = answer.find("\r\n\r\n");
  if (at == std::string_view::npos) return {};
  std::string_view body = answer.substr(at + 4);
  std::string out;
  for (char c : body) {
    if (out.size() >= 160) {
      out += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

}  // namespace

void HttpProbe::finish_status(int status) {
  status_ = status;
  const std::string head = body_head(in_);
  finish(false,
         head.empty() ? fmt::format("HTTP {}", status) : fmt::format("HTTP {}: {}", status, head),
         fmt::format("http_{}", status));
}

void HttpProbe::start(const ProbeTarget& t, Instant deadline, bool want_body) {
  want_body_ = want_body;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  done_ = ok_ = false;
  detail_.clear();
  result_.clear();
  status_ = 0;
  in_.clear();
  sent_ = 0;
  deadline_ = deadline;
  out_ = fmt::format(
      "{} {} HTTP/1.1\r\nHost: {}:{}\r\nUser-Agent: headroom\r\nAccept: */*\r\n"
      "Connection: close\r\n",
      t.method, t.url.path, t.url.host, t.url.port);
  if (!t.body.empty() || t.method == "POST") {
    out_ += fmt::format("Content-Type: application/json\r\nContent-Length: {}\r\n", t.body.size());
  }
  out_ += "\r\n";
  out_ += t.body;
  fd_ = ::socket(t.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return finish(false, std::string("socket: ") + std::strerror(errno), "error");
  stage_ = Stage::kConnecting;
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&t.addr), t.addr_len) != 0 &&
      errno != EINPROGRESS) {
    const int e = errno;
    return finish(false, std::strerror(e), e == ECONNREFUSED ? "refused" : "error");
  }
}

short HttpProbe::events() const {
  return stage_ == Stage::kReading ? POLLIN : POLLOUT;
}

void HttpProbe::on_ready() {
  if (fd_ < 0) return;
  if (stage_ == Stage::kConnecting) {
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {  // "Connection refused" while loading
      return finish(false, std::strerror(err), err == ECONNREFUSED ? "refused" : "error");
    }
    stage_ = Stage::kSending;
  }
  if (stage_ == Stage::kSending) {
    while (sent_ < out_.size()) {
      const ssize_t n = ::send(fd_, out_.data() + sent_, out_.size() - sent_, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN) return;
        return finish(false, std::strerror(errno), "error");
      }
      sent_ += static_cast<size_t>(n);
    }
    stage_ = Stage::kReading;
    return;
  }
  char buf[1024];
  const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n < 0) {
    if (errno == EAGAIN) return;
    return finish(false, std::strerror(errno), "error");
  }
  in_.append(buf, static_cast<size_t>(n));
  if (want_body_ && n > 0 && in_.size() < 16384) return;  // read to the end of the answer
  const size_t eol = in_.find("\r\n");
  if (eol == std::string::npos && n > 0 && in_.size() < 4096)
    return;  // the status line is not in yet
  // "HTTP/1.1 200 OK"
  const std::string line = in_.substr(0, eol == std::string::npos ? in_.size() : eol);
  if (line.rfind("HTTP/", 0) != 0 || line.size() < 12) {
    return finish(false, n == 0 ? "connection closed without an answer" : "not an HTTP answer",
                  "error");
  }
  const std::string code = line.substr(9, 3);
  if (code == "200") {
    status_ = 200;
    return finish(true, "HTTP 200", "ok");
  }
  // Anything else: read what the server says about it (Connection: close ends the answer),
  // up to 4 KiB.
  if (n > 0 && in_.size() < 4096) return;
  int status = 0;
  for (char c : code)
    status = status * 10 + (c >= '0' && c <= '9' ? c - '0' : 0);
  finish_status(status);
}

bool probe_blocking(const ProbeTarget& target, Duration timeout, std::string* response) {
  HttpProbe p;
  const Instant deadline = std::chrono::steady_clock::now() + timeout;
  p.start(target, deadline, response != nullptr);
  while (!p.done()) {
    pollfd fd{p.fd(), p.events(), 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || ::poll(&fd, 1, static_cast<int>(left.count()) + 1) == 0) {
      p.check_deadline(std::chrono::steady_clock::now(), timeout);
      continue;
    }
    p.on_ready();
  }
  if (response != nullptr) *response = p.response();
  return p.ok();
}

void HttpProbe::check_deadline(Instant now, Duration timeout) {
  if (fd_ >= 0 && now >= deadline_) {
    // A non-200 status already in, its body still coming: report the status.
    const size_t eol = in_.find("\r\n");
    if (eol != std::string::npos && in_.rfind("HTTP/", 0) == 0 && in_.size() >= 12) {
      int status = 0;
      for (char c : in_.substr(9, 3))
        status = status * 10 + (c >= '0' && c <= '9' ? c - '0' : 0);
      if (status != 200) return finish_status(status);
    }
    finish(false, fmt::format("no answer within {}", format_duration(timeout)), "timeout");
  }
}

}  // namespace headroom
