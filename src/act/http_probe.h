// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// A health probe over plain HTTP/1.1 that never blocks: connect, send, read the status line, all
// driven by poll() readiness from the run loop, with a deadline. 200 is healthy; a refused
// connection (the server is still loading), another status, or the deadline is not.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <string>

#include "core/duration.h"
#include "core/result.h"
#include "core/url.h"

namespace headroom {

// The probe's target, resolved once (numeric addresses and "localhost" without DNS).
struct ProbeTarget {
  HttpUrl url;
  std::string method = "GET";
  std::string body;  // sent as application/json when not empty
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
};

Result<ProbeTarget> resolve_probe(const HttpUrl& url, std::string method, std::string body);

class HttpProbe {
 public:
  HttpProbe() = default;
  ~HttpProbe();
  HttpProbe(const HttpProbe&) = delete;
  HttpProbe& operator=(const HttpProbe&) = delete;

  // Starts a request; done() is true at once when it fails immediately. With `want_body` the
  // answer is read to its end (at most 16 KiB) and kept in response().
  void start(const ProbeTarget& target, Instant deadline, bool want_body = false);
  int fd() const { return fd_; }
  short events() const;  // what to poll for now
  // Advance after poll() said the fd is ready.
  void on_ready();
  // Ends the probe as failed when the deadline passed.
  void check_deadline(Instant now, Duration timeout);

  bool active() const { return fd_ >= 0; }
  bool done() const { return done_; }
  bool ok() const { return ok_; }
  // "HTTP 503: {\"error\":...}" (the body's first bytes), "connection refused", "no answer ..."
  const std::string& detail() const { return detail_; }
  // "ok", "refused", "timeout", "http_503", "error": the class of the answer, for metrics.
  const std::string& result() const { return result_; }
  int http_status() const { return status_; }
  const std::string& response() const { return in_; }  // status line, headers, body

 private:
  void finish(bool ok, std::string detail, std::string result);
  // A non-200 answer: its status and the first bytes of its body, once read to the end.
  void finish_status(int status);
  enum class Stage { kConnecting, kSending, kReading } stage_ = Stage::kConnecting;
  int fd_ = -1;
  Instant deadline_{};
  std::string out_;
  size_t sent_ = 0;
  std::string in_;
  bool done_ = false, ok_ = false, want_body_ = false;
  int status_ = 0;
  std::string detail_, result_;
};

// Runs one probe to completion, blocking up to `timeout` (for tools, not for the run loop).
bool probe_blocking(const ProbeTarget& target, Duration timeout, std::string* response = nullptr);

}  // namespace headroom
