#include "integration/kernel_cgroup.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "probe/cgroup.h"
#include "probe/fs.h"
#include "probe/parsers.h"

namespace headroom::test {
namespace {

bool write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
  f.flush();
  return static_cast<bool>(f);
}

}  // namespace

KernelCgroup::KernelCgroup(const std::string& prefix, uint64_t limit_bytes) {
  if (::geteuid() != 0) {
    skip_ = "needs root to create a memory cgroup (CI runs these as root)";
    return;
  }
  auto h = find_memory_hierarchy(Root());
  if (!h) {
    skip_ = "no memory cgroup hierarchy: " + h.error().message;
    return;
  }
  version_ = h->version;
  name_ = "/headroom-test-" + std::to_string(::getpid()) + "-" + prefix;
  dir_ = h->mount + name_;
  if (version_ == 2) write_text(h->mount + "/cgroup.subtree_control", "+memory");
  if (::mkdir(dir_.c_str(), 0755) != 0 && errno != EEXIST) {
    skip_ = "cannot create " + dir_ + ": " + std::strerror(errno);
    dir_.clear();
    return;
  }
  const std::string limit_file = version_ == 2 ? "/memory.max" : "/memory.limit_in_bytes";
  if (!write_text(dir_ + limit_file, std::to_string(limit_bytes))) {
    skip_ = "cannot set " + dir_ + limit_file;
  }
  if (version_ == 2) write_text(dir_ + "/memory.swap.max", "0");
}

KernelCgroup::~KernelCgroup() {
  if (dir_.empty()) return;
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::ifstream procs(dir_ + "/cgroup.procs");
    pid_t pid = 0;
    bool any = false;
    while (procs >> pid) {
      ::kill(pid, SIGKILL);
      any = true;
    }
    if (!any && ::rmdir(dir_.c_str()) == 0) return;
    if (!any && errno == ENOENT) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void KernelCgroup::add(pid_t pid) const {
  write_text(dir_ + "/cgroup.procs", std::to_string(pid));
}

uint64_t KernelCgroup::oom_kills() const {
  auto text = read_file(dir_ + (version_ == 2 ? "/memory.events" : "/memory.oom_control"));
  if (!text) return 0;
  const std::string_view key = "oom_kill";
  uint64_t v = 0;
  unsigned found = 0;
  (void)parse_flat_keyed(*text, &key, &v, 1, &found);
  return v;
}

uint64_t KernelCgroup::usage() const {
  auto text = read_file(dir_ + (version_ == 2 ? "/memory.current" : "/memory.usage_in_bytes"));
  return text ? parse_cgroup_value(*text).value_or(0) : 0;
}

}  // namespace headroom::test
