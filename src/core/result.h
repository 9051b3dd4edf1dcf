// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Errors as values. One error type for the whole project: a message that already names what
// failed and where ("/proc/meminfo: line 3: expected 'Name: value kB'"). Parsers of untrusted
// text return these and never throw.
#pragma once

#include <cassert>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace headroom {

struct Error {
  std::string message;
  int sys_errno = 0;  // the errno behind it when a system call failed (ENOENT, EACCES, ...)

  // Prefix the message with where it happened: "file: " + message.
  Error in(std::string_view where) const& {
    return Error{std::string(where) + ": " + message, sys_errno};
  }
};

inline Error make_error(std::string message) {
  return Error{std::move(message)};
}

// A failed system call on `what` (a path, or "fork"): "what: strerror(err)", errno kept.
inline Error sys_error(const std::string& what, int err) {
  return Error{what + ": " + std::strerror(err), err};
}

// A value or an Error (std::expected is C++23; this is the small subset we use).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

  T value_or(T fallback) const { return ok() ? std::get<0>(v_) : std::move(fallback); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : e_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return !e_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    assert(!ok());
    return *e_;
  }

 private:
  std::optional<Error> e_;
};

using Status = Result<void>;

}  // namespace headroom
