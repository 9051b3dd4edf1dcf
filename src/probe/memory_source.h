// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The real MemorySource: /proc/meminfo, the pool's memory cgroup and PSI, all kept open and
// re-read each sample without allocating.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/sources.h"
#include "probe/cgroup.h"
#include "probe/fs.h"

namespace headroom {

class SystemMemorySource : public MemorySource {
 public:
  // `cgroup_spec` as for resolve_cgroup(); "self" by default. The pool is the system, narrowed by
  // the cgroup's limits where it has any (see pool_view()).
  static Result<std::unique_ptr<SystemMemorySource>> open(const Root& root,
                                                          std::string_view cgroup_spec);

  // When the pool's cgroup is removed (a unit's cgroup goes away when the unit stops), the pool
  // becomes its nearest ancestor that still exists -- the slice -- and take_notice() says so once.
  Status read(Sample& out) override;
  std::string take_notice() override;

  const CgroupRef& cgroup() const { return cgroup_.ref(); }
  // Where PSI was read from, or why it is absent ("not available: ...").
  const std::string& psi_source() const { return psi_source_; }
  // The text of /proc/meminfo as last read (valid until the next read()), for `status --json`,
  // which lists every field without reading the file twice.
  std::string_view meminfo_text() const { return meminfo_text_; }

 private:
  SystemMemorySource() = default;
  // Opens the pool's cgroup reader and the pressure file that goes with it.
  Status open_pool(const CgroupRef& ref);
  // The pool's cgroup is gone: move to the nearest ancestor that exists.
  Status fall_back(const Error& why);

  Root root_;
  ProcFile meminfo_;
  std::string_view meminfo_text_;
  CgroupReader cgroup_;
  ProcFile psi_;
  std::string psi_source_;
  std::string notice_;
};

}  // namespace headroom
