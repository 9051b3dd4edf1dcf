// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The seams between decisions and the system (ninja's DiskInterface idea): each has a real
// implementation in probe/ and a fake in tests/.
#pragma once

#include <string>

#include "core/duration.h"
#include "core/result.h"
#include "core/sample.h"

namespace headroom {

// Reads one Sample of the pool. Implementations keep their files open and allocate nothing per
// call once warmed up.
class MemorySource {
 public:
  virtual ~MemorySource() = default;
  virtual Status read(Sample& out) = 0;
  // A change the reader made on its own since the last call (the pool moved to a parent cgroup),
  // to be told once; empty when there is none.
  virtual std::string take_notice() { return {}; }
};

// The monotonic clock, and sleeping on it.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant now() = 0;
  virtual void sleep_until(Instant t) = 0;
};

// What is still present of something that must be gone.
struct Pending {
  int count = 0;     // how many
  std::string what;  // the first one ("pid 4242 (python3) running"); empty when count is 0
};

// Things that must be gone before the gate opens (processes, cgroups, their GPU PIDs).
class GoneWatch {
 public:
  virtual ~GoneWatch() = default;
  virtual Result<Pending> pending() = 0;
};

}  // namespace headroom
