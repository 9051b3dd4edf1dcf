// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The kernel log, read from /dev/kmsg: where the OOM killer and NVIDIA's driver say what they did.
// Reading it needs root (or kernel.dmesg_restrict=0); without it the reader says so and the
// diagnosis falls back to the cgroup's oom_kill counter.
#pragma once

#include <string>
#include <vector>

#include "core/kernel_log.h"
#include "probe/fs.h"

namespace headroom {

class KmsgReader {
 public:
  explicit KmsgReader(const Root& root);
  ~KmsgReader();
  KmsgReader(const KmsgReader&) = delete;
  KmsgReader& operator=(const KmsgReader&) = delete;

  bool readable() const { return fd_ >= 0; }
  const std::string& note() const { return note_; }  // why not readable
  // Skips what is logged so far: later reads return only new records.
  void skip_to_end();
  // Appends the records logged since the last read (at most `max`, the newest kept).
  void read_new(std::vector<KernelRecord>& out, size_t max = 4096);

 private:
  int fd_ = -1;
  std::string note_;
};

// The kernel log clock (microseconds since boot) now, to place records against a death.
uint64_t kernel_clock_usec();

}  // namespace headroom
