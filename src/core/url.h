// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// http:// URLs for health probes and listen addresses for the metrics endpoint. Probes speak
// plain HTTP to the server on this machine; https is refused with a reason.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace headroom {

struct HttpUrl {
  std::string host;  // "127.0.0.1", "localhost", "::1" (brackets removed), a name
  uint16_t port = 80;
  std::string path = "/";  // with the query
  std::string str() const;
};

Result<HttpUrl> parse_http_url(std::string_view text);

struct ListenAddress {
  std::string host;  // "127.0.0.1", "0.0.0.0", "::1"
  uint16_t port = 0;
  bool loopback() const;
};

// "127.0.0.1:9464", "[::1]:9464", ":9464" (loopback), "9464" (loopback).
Result<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace headroom
