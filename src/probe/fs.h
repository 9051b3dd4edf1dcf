// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// All file I/O of the probes goes through here (oomd's util/Fs idea).
//
// Root: every system path (/proc, /sys) is read under one root directory, "/" in production and a
// fixture tree in tests (earlyoom's procdir_path).
// ProcFile: a file kept open and re-read with pread() into a buffer that is reused, so sampling
// allocates nothing once the buffer has grown to fit.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace headroom {

class Root {
 public:
  Root() = default;
  explicit Root(std::string dir);

  // "/proc/meminfo" -> "<root>/proc/meminfo". Paths not starting with '/' are returned as-is.
  std::string path(std::string_view abs) const;
  // The inverse for paths found on the real tree: strips the root prefix if present.
  std::string_view strip(std::string_view real) const;
  const std::string& dir() const { return dir_; }
  bool is_system() const { return dir_.empty(); }

 private:
  std::string dir_;  // without a trailing slash; empty for "/"
};

class ProcFile {
 public:
  ProcFile() = default;
  ~ProcFile();
  ProcFile(ProcFile&& o) noexcept;
  ProcFile& operator=(ProcFile&& o) noexcept;
  ProcFile(const ProcFile&) = delete;
  ProcFile& operator=(const ProcFile&) = delete;

  // Opens read-only. The error says which path and why ("No such file or directory").
  static Result<ProcFile> open(std::string path);

  // Reads the whole file from offset 0. The view stays valid until the next read().
  Result<std::string_view> read();

  // Closes and opens the same path again, keeping the buffer. For files whose content is fixed
  // per open file description, such as cgroup v1's cgroup.procs (the kernel caches the PID list
  // per open file, kernel/cgroup/cgroup-v1.c), and to notice a removed file.
  Status reopen();

  const std::string& path() const { return path_; }
  bool is_open() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
  std::string path_;
  std::vector<char> buf_;
};

// The one whole-file read of the tool (the sampling loop uses ProcFile instead): refuses a file
// over `max_bytes` with EFBIG ("PATH: larger than 16 MiB"), a FIFO or /dev/zero included.
inline constexpr size_t kMaxReadBytes = 16u << 20;
Result<std::string> read_file(const std::string& path, size_t max_bytes = kMaxReadBytes);
// All of standard input, under the same limit.
Result<std::string> read_stdin(size_t max_bytes = kMaxReadBytes);
// The first `bytes` of a file (all of it when shorter): enough to tell what a file is.
Result<std::string> read_head(const std::string& path, size_t bytes);

// Writes `text` to PATH.tmp.PID, fsyncs it and renames it over PATH: a reader, or a crash at
// any point, sees the old file or the new one, never part of one.
Status write_file_atomic(const std::string& path, std::string_view text, unsigned mode = 0644);

bool path_exists(const std::string& path);
bool is_directory(const std::string& path);

}  // namespace headroom
