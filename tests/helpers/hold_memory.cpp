// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Test helper: holds memory on command, so tests can make a real cgroup's usage rise and fall.
//
// Reads commands on stdin, one per line, and answers "ok ..." on stdout:
//   alloc MIB   map and touch MIB MiB of anonymous memory (charged to this process's cgroup)
//   free        unmap it; answers once munmap returned, i.e. once the kernel uncharged it
//   exit        exit 0 (also on EOF)
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

int main() {
  void* block = nullptr;
  size_t size = 0;
  std::string line;
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  while (std::getline(std::cin, line)) {
    if (line.rfind("alloc ", 0) == 0) {
      size = std::strtoull(line.c_str() + 6, nullptr, 10) << 20;
      block = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (block == MAP_FAILED) {
        std::printf("error mmap: %s\n", std::strerror(errno));
        return 1;
      }
      const long page = sysconf(_SC_PAGESIZE);
      for (size_t off = 0; off < size; off += static_cast<size_t>(page)) {
        static_cast<volatile char*>(block)[off] = 1;
      }
      std::printf("ok alloc %zu\n", size);
    } else if (line == "free") {
      if (block != nullptr) munmap(block, size);
      block = nullptr;
      std::printf("ok free\n");
    } else if (line == "exit") {
      break;
    } else {
      std::printf("error unknown command: %s\n", line.c_str());
    }
  }
  return 0;
}
