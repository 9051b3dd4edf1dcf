// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Kernel log lines that explain a death: the OOM killer, NVIDIA's resource manager (NVRM)
// failing an allocation, Xid GPU errors. Pure classification of the message text; reading
// /dev/kmsg is probe/kmsg.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace headroom {

struct KernelRecord {
  int level = 6;      // syslog level (0 emerg .. 7 debug)
  uint64_t seq = 0;   // /dev/kmsg sequence number
  uint64_t usec = 0;  // microseconds since boot (the kernel's monotonic clock)
  std::string text;   // the message, without the prefix and dictionary lines
};

struct KernelEvent {
  enum class Kind {
    kOther,
    kOomKilled,     // "Memory cgroup out of memory: Killed process 1234 (python3) ..." or global
    kOomInfo,       // "oom-kill:constraint=CONSTRAINT_MEMCG,...,oom_memcg=/x,...,task=...,pid=..."
    kNvrmNoMemory,  // "NVRM: ... Out of memory [NV_ERR_NO_MEMORY] ..."
    kNvrmXid,       // "NVRM: Xid (PCI:0000:01:00): 31, pid=1234, name=python3, ..."
    kMemcgUsage,    // "memory: usage 524288kB, limit 524288kB, failcnt 87" (a memcg OOM report)
  };
  Kind kind = Kind::kOther;
  int pid = 0;             // 0 when the line names none (or '<unknown>')
  std::string task;        // process name, where given
  std::string memcg;       // oom_memcg for kOomInfo; "" for a global OOM
  bool memcg_oom = false;  // kOomKilled: the cgroup's limit, not the whole machine
  int xid = 0;
  // kOomKilled: what the killed process held, as the kernel counted it (bytes).
  uint64_t anon_rss = 0, file_rss = 0, shmem_rss = 0;
  // kMemcgUsage: the cgroup's usage and limit at the OOM (bytes).
  uint64_t usage = 0, limit = 0;
};

KernelEvent classify_kernel_line(std::string_view text);

// What an Xid number means, for the verdict line ("MMU fault"); "" when not known.
std::string_view xid_meaning(int xid);

}  // namespace headroom
