// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// --gone PID | cgroup:PATH: the previous instance must be gone before the gate opens. A process
// is gone once it has exited (a zombie counts: its memory is released before it becomes one); a
// cgroup once it is removed or neither it nor any cgroup below it holds a process -- on cgroup v2
// processes live only in leaf cgroups, so a slice's own cgroup.procs is always empty (FIELD.md
// section 6): v2 reads the subtree's `populated` from cgroup.events, v1 walks the descendants.
// Where NVML answers, none of their PIDs may still be in the GPU's compute process list (driver
// teardown is asynchronous, FIELD.md section 1).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/gpu.h"
#include "core/sources.h"
#include "probe/cgroup.h"
#include "probe/fs.h"

namespace headroom {

struct GoneSpec {
  enum class Kind { kPid, kCgroup };
  Kind kind = Kind::kPid;
  int pid = 0;
  std::string cgroup;  // as given after "cgroup:"
};

// "4242" or "cgroup:/system.slice/sglang.service". Errors say what is expected.
Result<GoneSpec> parse_gone_spec(std::string_view text);

// How many of `pids` the GPU's compute process list still holds, and the first ("process 4242
// still holds 40.0 GiB on GPU 0"). `scratch` is reused: the process list is read each sample.
Result<Pending> gpu_holders(GpuSource& gpu, const std::vector<uint32_t>& pids,
                            std::vector<GpuProcess>& scratch);

class ProcessGoneWatch : public GoneWatch {
 public:
  // Opens /proc/PID/stat of each process now, so a PID reused later is not mistaken for it.
  // `gpu` may be null (no NVML check).
  static Result<std::unique_ptr<ProcessGoneWatch>> open(const Root& root,
                                                        const std::vector<GoneSpec>& specs,
                                                        GpuSource* gpu);

  Result<Pending> pending() override;

  // What was already absent when opened, one line each ("process 123 is not running", "cgroup
  // /x.slice does not exist"): nothing to wait for there, which a typo'd name would also give.
  const std::vector<std::string>& absent() const { return absent_; }

 private:
  struct Proc {
    int pid = 0;
    std::string comm;
    ProcFile stat;  // stays bound to the original process; reads fail once it is reaped
    bool gone = false;
  };
  struct Group {
    std::string name;  // as in the hierarchy: "/pool.slice"
    std::string dir;   // its directory
    int version = 0;
    ProcFile events;  // v2: cgroup.events ("populated 0|1" for the whole subtree)
    bool gone = false;
  };
  // Processes of a group's subtree, and the first cgroup holding one.
  struct Members {
    int count = 0;
    std::string where;
  };
  // Counts the group's subtree's processes and remembers their PIDs for the GPU check. Errors
  // other than "removed" are returned.
  Result<Members> scan_subtree(const Group& g);
  std::vector<Proc> procs_;
  std::vector<Group> groups_;
  GpuSource* gpu_ = nullptr;
  std::vector<std::string> absent_;
  std::vector<uint32_t> watched_pids_;  // every PID seen: for the GPU process list check
  std::vector<GpuProcess> gpu_procs_;   // reused buffer
};

}  // namespace headroom
