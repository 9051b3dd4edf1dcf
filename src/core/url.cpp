// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/url.h"

#include <fmt/format.h>

#include "core/text.h"

namespace headroom {
namespace {

Result<uint16_t> parse_port(std::string_view s, std::string_view whole) {
  auto v = parse_u64(s);
  if (!v || *v == 0 || *v > 65535) {
    return make_error(fmt::format("\"{}\": the port must be a number from 1 to 65535", whole));
  }
  return static_cast<uint16_t>(*v);
}

// "host:port" or "[v6]:port" or "host"; the port is optional when `default_port` is set.
Result<std::pair<std::string, uint16_t>> split_host_port(std::string_view hp,
                                                         std::string_view whole, int default_port) {
  std::string host;
  std::string_view port;
  if (!hp.empty() && hp.front() == '[') {
    const size_t close = hp.find(']');
    if (close == std::string_view::npos)
      return make_error(fmt::format("\"{}\": unclosed '['", whole));
    host = std::string(hp.substr(1, close - 1));
    std::string_view rest = hp.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':')
        return make_error(fmt::format("\"{}\": expected ':' after ']'", whole));
      port = rest.substr(1);
    }
  } else {
    const size_t colon = hp.rfind(':');
    if (colon != std::string_view::npos && hp.find(':') != colon) {
      return make_error(fmt::format("\"{}\": write IPv6 addresses in brackets: [::1]:8000", whole));
    }
    host = std::string(hp.substr(0, colon));
    if (colon != std::string_view::npos) port = hp.substr(colon + 1);
  }
  uint16_t p = 0;
  if (port.empty()) {
    if (default_port < 0) return make_error(fmt::format("\"{}\": a port is needed", whole));
    p = static_cast<uint16_t>(default_port);
  } else {
    auto pp = parse_port(port, whole);
    if (!pp) return pp.error();
    p = *pp;
  }
  for (char c : host) {
    if (is_space(c) || c == '/' || c == '@' || static_cast<unsigned char>(c) < 0x20) {
      return make_error(fmt::format("\"{}\": the host name is not valid", whole));
    }
  }
  return std::pair<std::string, uint16_t>{host, p};
}

}  // namespace

std::string HttpUrl::str() const {
  const bool v6 = host.find(':') != std::string::npos;
  return fmt::format("http://{}{}{}:{}{}", v6 ? "[" : "", host, v6 ? "]" : "", port, path);
}

Result<HttpUrl> parse_http_url(std::string_view text) {
  const std::string_view t = trim(text);
  if (t.substr(0, 8) == "https://") {
    return make_error(fmt::format(
        "\"{}\": https is not supported for probes; the server is probed on this machine over "
        "plain http (http://127.0.0.1:PORT/health)",
        text));
  }
  if (t.substr(0, 7) != "http://") {
    return make_error(fmt::format("\"{}\": expected http://HOST:PORT/PATH", text));
  }
  std::string_view rest = t.substr(7);
  const size_t slash = rest.find('/');
  const std::string_view hp = rest.substr(0, slash);
  if (hp.empty()) return make_error(fmt::format("\"{}\": the host is missing", text));
  auto split = split_host_port(hp, text, 80);
  if (!split) return split.error();
  HttpUrl u;
  u.host = split->first;
  u.port = split->second;
  if (u.host.empty()) return make_error(fmt::format("\"{}\": the host is missing", text));
  if (slash != std::string_view::npos) u.path = std::string(rest.substr(slash));
  for (char c : u.path) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return make_error(fmt::format("\"{}\": the path holds a space or a control character", text));
    }
  }
  return u;
}

bool ListenAddress::loopback() const {
  return host == "127.0.0.1" || host == "::1" || host == "localhost" || host.rfind("127.", 0) == 0;
}

Result<ListenAddress> parse_listen_address(std::string_view text) {
  const std::string_view t = trim(text);
  if (t.empty()) return make_error("empty listen address");
  ListenAddress a;
  if (parse_u64(t)) {  // a bare port
    auto p = parse_port(t, text);
    if (!p) return p.error();
    a.host = "127.0.0.1";
    a.port = *p;
    return a;
  }
  auto split = split_host_port(t, text, -1);
  if (!split) return split.error();
  a.host = split->first.empty() ? "127.0.0.1" : split->first;
  a.port = split->second;
  return a;
}

}  // namespace headroom
