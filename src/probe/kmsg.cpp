// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "probe/kmsg.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "probe/parsers.h"

namespace headroom {

KmsgReader::KmsgReader(const Root& root) {
  const std::string path = root.path("/dev/kmsg");
  fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) {
    note_ = path + ": " + std::strerror(errno) +
            (errno == EPERM || errno == EACCES ? " (needs root or kernel.dmesg_restrict=0)" : "");
  }
}

KmsgReader::~KmsgReader() {
  if (fd_ >= 0) ::close(fd_);
}

void KmsgReader::skip_to_end() {
  if (fd_ >= 0) ::lseek(fd_, 0, SEEK_END);
}

void KmsgReader::read_new(std::vector<KernelRecord>& out, size_t max) {
  if (fd_ < 0) return;
  char buf[8192];  // a record is at most ~1 KiB of text plus its dictionary
  const size_t first = out.size();
  for (;;) {
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR || errno == EPIPE) continue;  // EPIPE: older records were overwritten
      break;                                           // EAGAIN: nothing more
    }
    if (n == 0) break;
    auto rec = parse_kmsg_record(std::string_view(buf, static_cast<size_t>(n)));
    if (!rec) continue;
    out.push_back(std::move(*rec));
    if (out.size() - first > max) out.erase(out.begin() + static_cast<long>(first));
  }
}

uint64_t kernel_clock_usec() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000ULL + static_cast<uint64_t>(ts.tv_nsec) / 1000;
}

}  // namespace headroom
