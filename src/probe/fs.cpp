// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "probe/fs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace headroom {
namespace {

// Big enough for /proc/meminfo and cgroup v1 memory.stat on every kernel seen; grows if not.
constexpr size_t kInitialBuffer = 8192;
// A first read shorter than this is the whole file (see ProcFile::read).
constexpr size_t kWholeFile = 3072;
// Sanity bound for files that claim to be larger (a fixture gone wrong, a FIFO, /dev/zero).
constexpr size_t kMaxFile = kMaxReadBytes;

}  // namespace

Root::Root(std::string dir) : dir_(std::move(dir)) {
  while (!dir_.empty() && dir_.back() == '/')
    dir_.pop_back();
}

std::string Root::path(std::string_view abs) const {
  if (dir_.empty() || abs.empty() || abs.front() != '/') return std::string(abs);
  std::string out;
  out.reserve(dir_.size() + abs.size());
  out += dir_;
  out += abs;
  return out;
}

std::string_view Root::strip(std::string_view real) const {
  if (!dir_.empty() && real.substr(0, dir_.size()) == dir_ &&
      (real.size() == dir_.size() || real[dir_.size()] == '/')) {
    real.remove_prefix(dir_.size());
    if (real.empty()) return "/";
  }
  return real;
}

ProcFile::~ProcFile() {
  if (fd_ >= 0) ::close(fd_);
}

ProcFile::ProcFile(ProcFile&& o) noexcept
    : fd_(o.fd_), path_(std::move(o.path_)), buf_(std::move(o.buf_)) {
  o.fd_ = -1;
}

ProcFile& ProcFile::operator=(ProcFile&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    path_ = std::move(o.path_);
    buf_ = std::move(o.buf_);
    o.fd_ = -1;
  }
  return *this;
}

Result<ProcFile> ProcFile::open(std::string path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sys_error(path, errno);
  ProcFile f;
  f.fd_ = fd;
  f.path_ = std::move(path);
  f.buf_.resize(kInitialBuffer);
  return f;
}

Status ProcFile::reopen() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return sys_error(path_, errno);
  return {};
}

Result<std::string_view> ProcFile::read() {
  if (fd_ < 0) return Error{path_ + ": not open", EBADF};
  for (;;) {
    size_t got = 0;
    for (;;) {
      const ssize_t n = ::pread(fd_, buf_.data() + got, buf_.size() - got, static_cast<off_t>(got));
      if (n < 0) {
        if (errno == EINTR) continue;
        return sys_error(path_, errno);
      }
      got += static_cast<size_t>(n);
      // A kernel seq_file stops short of the request only when its next record would overflow
      // its page-sized buffer, i.e. after at least a page minus one record. A short first read
      // well below that is the whole file: stop without the extra syscall (which would make
      // the kernel generate the file again at the new offset).
      if (n == 0 || got == buf_.size() || (got == static_cast<size_t>(n) && got < kWholeFile)) {
        break;
      }
    }
    if (got < buf_.size()) return std::string_view(buf_.data(), got);
    if (buf_.size() >= kMaxFile) {
      return Error{path_ + ": larger than " + std::to_string(kMaxFile >> 20) + " MiB", EFBIG};
    }
    buf_.resize(buf_.size() * 2);  // the file did not fit: grow once and re-read from the start
  }
}

namespace {

// Reads from `fd` until EOF or `limit` bytes; `over` is set when the file holds more than that.
Result<std::string> read_until(int fd, const std::string& path, size_t limit, bool& over) {
  // A regular file says its size; a /proc or /sys file says 0 and is small (a /proc/PID/stat is
  // a few hundred bytes, and the process scans read one per process): start at a page and
  // double, so a small file costs one small buffer, not a fixed large one zeroed per read.
  size_t chunk = 4096;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    chunk = std::max(chunk, static_cast<size_t>(st.st_size) + 1);
  }
  std::string out;
  over = false;
  size_t got = 0;
  for (;;) {
    // One byte past the limit tells a file of exactly `limit` bytes from a larger one.
    const size_t want = std::min(chunk, limit + 1 - got);
    out.resize(got + want);
    const ssize_t n = ::read(fd, out.data() + got, want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error(path, errno);
    got += static_cast<size_t>(n);
    if (n == 0 || got > limit) break;
    if (got == out.size()) chunk = std::min<size_t>(chunk * 2, 1u << 20);
  }
  over = got > limit;
  out.resize(std::min(got, limit));
  return out;
}

std::string size_words(size_t bytes) {
  return bytes % (1u << 20) == 0 ? std::to_string(bytes >> 20) + " MiB"
                                 : std::to_string(bytes) + " bytes";
}

}  // namespace

Result<std::string> read_file(const std::string& path, size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sys_error(path, errno);
  bool over = false;
  auto text = read_until(fd, path, max_bytes, over);
  ::close(fd);  // read-only: nothing a failed close could lose
  if (text && over) return Error{path + ": larger than " + size_words(max_bytes), EFBIG};
  return text;
}

Result<std::string> read_stdin(size_t max_bytes) {
  bool over = false;
  auto text = read_until(STDIN_FILENO, "<stdin>", max_bytes, over);
  if (text && over) return Error{"<stdin>: larger than " + size_words(max_bytes), EFBIG};
  return text;
}

Result<std::string> read_head(const std::string& path, size_t bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sys_error(path, errno);
  bool over = false;
  auto text = read_until(fd, path, bytes, over);
  ::close(fd);  // read-only: nothing a failed close could lose
  return text;
}

Status write_file_atomic(const std::string& path, std::string_view text, unsigned mode) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return sys_error(tmp, errno);
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int e = n < 0 ? errno : EIO;
      ::close(fd);
      ::unlink(tmp.c_str());
      return sys_error(tmp, e);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    return sys_error(tmp, e);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    return sys_error(path, e);
  }
  return {};
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace headroom
