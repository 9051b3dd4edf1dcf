// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "sim/pool.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "core/text.h"
#include "probe/cgroup.h"
#include "probe/fs.h"
#include "probe/parsers.h"

namespace headroom {
namespace {

bool write_text(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

}  // namespace

Result<std::unique_ptr<Pool>> Pool::create(const std::string& prefix, uint64_t limit_bytes) {
  if (::geteuid() != 0) {
    return make_error("creating a memory cgroup for the pool needs root");
  }
  auto h = find_memory_hierarchy(Root());
  if (!h) return h.error();
  std::unique_ptr<Pool> p(new Pool());
  p->version_ = h->version;
  p->limit_ = limit_bytes;
  p->name_ = "/" + prefix + "-" + std::to_string(::getpid());
  const std::string dir = h->mount + p->name_;
  if (p->version_ == 2) write_text(h->mount + "/cgroup.subtree_control", "+memory");
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return Error{"cannot create " + dir + ": " + std::strerror(errno), errno};
  }
  p->dir_ = dir;  // from here on the destructor removes it
  const std::string limit_file = p->version_ == 2 ? "/memory.max" : "/memory.limit_in_bytes";
  if (!write_text(dir + limit_file, std::to_string(limit_bytes))) {
    return Error{"cannot set " + dir + limit_file + ": " + std::strerror(errno), errno};
  }
  if (p->version_ == 2) write_text(dir + "/memory.swap.max", "0");
  return p;
}

Pool::~Pool() {
  if (dir_.empty()) return;
  for (int attempt = 0; attempt < 250; ++attempt) {
    bool any = false;
    if (auto procs = read_file(dir_ + "/cgroup.procs"); procs) {
      LineReader lines(*procs);
      std::string_view line;
      while (lines.next(line)) {
        if (auto pid = parse_u64(trim(line)); pid) {
          ::kill(static_cast<pid_t>(*pid), SIGKILL);
          any = true;
        }
      }
    }
    if (!any && (::rmdir(dir_.c_str()) == 0 || errno == ENOENT)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void Pool::add(pid_t pid) const {
  write_text(dir_ + "/cgroup.procs", std::to_string(pid));
}

uint64_t Pool::oom_kills() const {
  auto text = read_file(dir_ + (version_ == 2 ? "/memory.events" : "/memory.oom_control"));
  if (!text) return 0;
  const std::string_view key = "oom_kill";
  uint64_t v = 0;
  unsigned found = 0;
  // A file without the key (an old kernel's memory.events) counts no kills: `found` stays 0.
  (void)parse_flat_keyed(*text, &key, &v, 1, &found);
  return v;
}

uint64_t Pool::usage() const {
  auto text = read_file(dir_ + (version_ == 2 ? "/memory.current" : "/memory.usage_in_bytes"));
  return text ? parse_cgroup_value(*text).value_or(0) : 0;
}

}  // namespace headroom
