// A real memory cgroup for integration tests: created with a limit, torn down always (its
// processes killed first). v1 or v2, whichever hierarchy holds the memory controller.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace headroom::test {

class KernelCgroup {
 public:
  // Empty `skip_reason()` on success; otherwise why it cannot exist here (not root, no
  // hierarchy, read-only). Tests GTEST_SKIP with that reason, and CI (root) never skips.
  KernelCgroup(const std::string& prefix, uint64_t limit_bytes);
  ~KernelCgroup();
  KernelCgroup(const KernelCgroup&) = delete;
  KernelCgroup& operator=(const KernelCgroup&) = delete;

  const std::string& skip_reason() const { return skip_; }
  int version() const { return version_; }
  const std::string& name() const { return name_; }  // "/headroom-test-123-wait"
  const std::string& dir() const { return dir_; }
  void add(pid_t pid) const;
  uint64_t oom_kills() const;
  uint64_t usage() const;

 private:
  int version_ = 0;
  std::string name_, dir_, skip_;
};

}  // namespace headroom::test
