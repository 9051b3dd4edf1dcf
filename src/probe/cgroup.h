// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Memory cgroups, v1 and v2: where the memory controller is mounted, which cgroup a spec names,
// and reading its limit, usage, inactive file pages and OOM kills each sample.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/sample.h"
#include "probe/fs.h"

namespace headroom {

struct CgroupHierarchy {
  int version = 0;    // 1 or 2
  std::string mount;  // mount point as the system sees it ("/sys/fs/cgroup/memory")
};

// cgroup v2 when its root lists "memory" in cgroup.controllers; otherwise the v1 hierarchy
// mounted with the "memory" option. Hybrid machines (v1 memory plus a v2 mount without the
// memory controller, as on this project's CI machines) resolve to v1.
Result<CgroupHierarchy> find_memory_hierarchy(const Root& root);

struct CgroupRef {
  int version = 0;
  std::string name;  // path inside the hierarchy: "/", "/headroom-pool"
  std::string dir;   // directory on the filesystem, under the root
  bool is_root() const { return name == "/"; }
};

// Resolves what --cgroup names:
//   "self"                       this process's memory cgroup (/proc/self/cgroup);
//   "/sys/fs/cgroup/memory/x"    a directory inside the memory hierarchy's mount;
//   "/x" or "x"                  a cgroup path inside the memory hierarchy.
// A cgroup that does not exist is an error naming every place looked at.
Result<CgroupRef> resolve_cgroup(const Root& root, std::string_view spec);

class CgroupReader {
 public:
  // Opens the cgroup's files and those of ancestors that have a limit of their own (a parent's
  // limit binds the child too). Errors name the missing file.
  static Result<CgroupReader> open(const CgroupRef& ref);

  // Fills the caller's sample, reused each sample (no allocation per sample).
  Status read(CgroupSample& out);
  const CgroupRef& ref() const { return ref_; }

 private:
  struct Level {
    ProcFile limit, usage, stat;
  };
  CgroupRef ref_;
  std::vector<Level> levels_;
  ProcFile events_;  // v2 memory.events, v1 memory.oom_control; may be absent on old kernels
};

}  // namespace headroom
