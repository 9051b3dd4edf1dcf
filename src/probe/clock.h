// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The real monotonic clock (CLOCK_MONOTONIC via steady_clock).
#pragma once

#include <thread>

#include "core/sources.h"

namespace headroom {

class SteadyClock : public Clock {
 public:
  Instant now() override { return std::chrono::steady_clock::now(); }
  void sleep_until(Instant t) override { std::this_thread::sleep_until(t); }
};

}  // namespace headroom
