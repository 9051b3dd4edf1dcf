// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// A directory for a stand-in's memory that outlives it (its --mem-dir): a tmpfs of its own, as
// large as asked, so a test does not depend on the size of the machine's /dev/shm -- half the
// RAM: 1 GiB in a 2 GiB VM, where a second 600 MiB server died of SIGBUS (tmpfs full), not of the
// pool's OOM killer. Without root (tests that then skip), a plain directory under /dev/shm.
#pragma once

#include <cstdint>
#include <string>

namespace headroom::test {

class MemDir {
 public:
  MemDir(const std::string& tag, uint64_t size_bytes);
  ~MemDir();
  MemDir(const MemDir&) = delete;
  MemDir& operator=(const MemDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool mounted_ = false;
};

}  // namespace headroom::test
