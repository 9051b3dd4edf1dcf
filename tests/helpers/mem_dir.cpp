// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "helpers/mem_dir.h"

#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace headroom::test {

MemDir::MemDir(const std::string& tag, uint64_t size_bytes)
    : path_("/dev/shm/headroom-test-" + tag + "-" + std::to_string(::getpid())) {
  std::error_code ec;
  std::filesystem::create_directories(path_, ec);
  const std::string opts = "size=" + std::to_string(size_bytes) + ",mode=0755";
  mounted_ = ::geteuid() == 0 && ::mount("headroom-test", path_.c_str(), "tmpfs",
                                         MS_NOSUID | MS_NODEV, opts.c_str()) == 0;
}

MemDir::~MemDir() {
  std::error_code ec;
  if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  std::filesystem::remove_all(path_, ec);
}

}  // namespace headroom::test
