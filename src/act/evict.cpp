// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "act/evict.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "probe/pagecache.h"

namespace headroom {

Result<std::vector<EvictResult>> evict_files(const std::vector<std::string>& paths) {
  auto files = residency_of(paths);
  if (!files) return files.error();
  std::vector<EvictResult> out;
  out.reserve(files->size());
  for (const Residency& r : *files) {
    const int fd = ::open(r.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Error{r.path + ": " + std::strerror(errno), errno};
    ::fdatasync(fd);  // DONTNEED skips dirty pages; a read-only model file has none
    const int rc = ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
    if (rc != 0) return Error{r.path + ": posix_fadvise: " + std::strerror(rc), rc};
    auto after = file_residency(r.path);
    if (!after) return after.error();
    out.push_back(EvictResult{r.path, r.resident_bytes(), after->resident_bytes()});
  }
  return out;
}

Status drop_caches_allowed() {
  if (::geteuid() != 0) {
    return make_error(
        "--drop-caches needs root (it writes /proc/sys/vm/drop_caches); without root, evict the "
        "model files themselves with --evict PATH");
  }
  return {};
}

Status drop_caches(const Root& root) {
  if (Status st = drop_caches_allowed(); !st) return st;
  ::sync();
  const std::string path = root.path("/proc/sys/vm/drop_caches");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Error{path + ": " + std::strerror(errno), errno};
  const ssize_t n = ::write(fd, "3\n", 2);
  const int err = errno;
  ::close(fd);
  if (n != 2) return Error{path + ": " + std::strerror(err), err};
  return {};
}

}  // namespace headroom
