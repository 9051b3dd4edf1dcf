// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// A unified-memory pool in miniature: a memory cgroup (v1 or v2, whichever holds the memory
// controller) with a hard limit, so an early start is really OOM-killed by the kernel. Created
// with a limit, torn down always: its processes are killed and the cgroup removed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "core/result.h"

namespace headroom {

class Pool {
 public:
  // Needs root. The cgroup is /<prefix>-<pid> at the top of the memory hierarchy.
  static Result<std::unique_ptr<Pool>> create(const std::string& prefix, uint64_t limit_bytes);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  int version() const { return version_; }
  const std::string& name() const { return name_; }  // "/headroom-sim-4242"
  const std::string& dir() const { return dir_; }    // its directory under the mount
  uint64_t limit() const { return limit_; }
  void add(pid_t pid) const;
  uint64_t oom_kills() const;
  uint64_t usage() const;

 private:
  Pool() = default;
  int version_ = 0;
  uint64_t limit_ = 0;
  std::string name_, dir_;
};

}  // namespace headroom
