// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// A real memory cgroup for a test (src/sim/pool). Without root the test is skipped and says why;
// as root (CI) a pool that cannot be created is a failure, never a skip.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include "sim/pool.h"

#define HEADROOM_POOL(var, prefix, limit)                             \
  auto var##_made = ::headroom::Pool::create(prefix, limit);          \
  if (!var##_made) {                                                  \
    if (::geteuid() != 0) GTEST_SKIP() << var##_made.error().message; \
    FAIL() << var##_made.error().message;                             \
  }                                                                   \
  ::headroom::Pool& var = **var##_made
