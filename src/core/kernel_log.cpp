// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/kernel_log.h"

#include <optional>
#include <utility>

#include "core/text.h"

namespace headroom {
namespace {

// The number right after `key` in `text` and what follows it; nullopt when `key` is absent or no
// digits follow it.
std::optional<std::pair<uint64_t, std::string_view>> number_after(std::string_view text,
                                                                  std::string_view key) {
  const size_t at = text.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = text.substr(at + key.size());
  size_t n = 0;
  while (n < rest.size() && is_digit(rest[n]))
    ++n;
  auto v = parse_u64(rest.substr(0, n));
  if (!v) return std::nullopt;
  return std::pair{*v, rest.substr(n)};
}

// The integer right after `key` in `text` ("pid=1234" -> 1234); 0 when absent or not a number
// (NVRM writes pid='<unknown>').
int int_after(std::string_view text, std::string_view key) {
  auto v = number_after(text, key);
  return v && v->first <= 4194304 ? static_cast<int>(v->first) : 0;
}

// The value of "key=" up to the next ',' (the oom-kill: line is comma-separated).
std::string_view field(std::string_view text, std::string_view key) {
  const size_t at = text.find(key);
  if (at == std::string_view::npos) return {};
  std::string_view rest = text.substr(at + key.size());
  return rest.substr(0, rest.find(','));
}

// "anon-rss:261120kB" -> bytes; 0 when absent.
uint64_t kb_after(std::string_view text, std::string_view key) {
  auto v = number_after(text, key);
  if (!v || v->second.substr(0, 2) != "kB" || v->first > (UINT64_MAX >> 10)) return 0;
  return v->first << 10;
}

}  // namespace

KernelEvent classify_kernel_line(std::string_view text) {
  KernelEvent e;
  // mm/oom_kill.c: "%s: Killed process %d (%s) total-vm:..." where the prefix is "Out of memory"
  // or "Memory cgroup out of memory".
  const size_t k = text.find("Killed process ");
  const bool memcg = text.find("Memory cgroup out of memory") != std::string_view::npos;
  if (k != std::string_view::npos &&
      (memcg || text.find("Out of memory") != std::string_view::npos)) {
    e.kind = KernelEvent::Kind::kOomKilled;
    e.memcg_oom = memcg;
    e.pid = int_after(text, "Killed process ");
    const size_t open = text.find('(', k);
    const size_t close = open == std::string_view::npos ? open : text.find(')', open);
    if (close != std::string_view::npos)
      e.task = std::string(text.substr(open + 1, close - open - 1));
    e.anon_rss = kb_after(text, "anon-rss:");
    e.file_rss = kb_after(text, "file-rss:");
    e.shmem_rss = kb_after(text, "shmem-rss:");
    return e;
  }
  // mm/memcontrol.c mem_cgroup_print_oom_meminfo(): the OOM cgroup's usage and limit.
  if (text.rfind("memory: usage ", 0) == 0) {
    e.kind = KernelEvent::Kind::kMemcgUsage;
    e.usage = kb_after(text, "usage ");
    e.limit = kb_after(text, "limit ");
    return e;
  }
  if (text.substr(0, 9) == "oom-kill:") {
    e.kind = KernelEvent::Kind::kOomInfo;
    e.pid = int_after(text, ",pid=");
    e.task = std::string(field(text, ",task="));
    e.memcg = std::string(field(text, "oom_memcg="));
    e.memcg_oom = field(text, "constraint=") == "CONSTRAINT_MEMCG";
    return e;
  }
  if (text.substr(0, 5) == "NVRM:") {
    if (text.find("Xid") != std::string_view::npos) {
      // "NVRM: Xid (PCI:0000:01:00): 31, pid=1234, name=python3, Ch 00000008, ..."
      const size_t colon = text.find("): ");
      if (colon != std::string_view::npos) {
        std::string_view rest = text.substr(colon + 3);
        size_t n = 0;
        while (n < rest.size() && is_digit(rest[n]))
          ++n;
        if (auto x = parse_u64(rest.substr(0, n)); x && *x < 100000) {
          e.kind = KernelEvent::Kind::kNvrmXid;
          e.xid = static_cast<int>(*x);
          e.pid = int_after(text, "pid=");
          const std::string_view name = field(text, "name=");
          if (!name.empty() && name != "<unknown>") e.task = std::string(name);
          return e;
        }
      }
    }
    if (text.find("NV_ERR_NO_MEMORY") != std::string_view::npos) {
      e.kind = KernelEvent::Kind::kNvrmNoMemory;
      return e;
    }
  }
  return e;
}

std::string_view xid_meaning(int xid) {
  // NVIDIA's Xid catalog, the ones seen on inference servers.
  switch (xid) {
    case 13:
      return "graphics engine exception";
    case 31:
      return "GPU memory page fault (MMU fault)";
    case 43:
      return "GPU stopped processing";
    case 45:
      return "preemptive cleanup after an earlier error";
    case 48:
      return "double-bit ECC error";
    case 63:
    case 64:
      return "ECC page retirement";
    case 74:
      return "NVLink error";
    case 79:
      return "GPU has fallen off the bus";
    case 94:
    case 95:
      return "uncontained ECC error";
    case 119:
    case 120:
      return "GSP error";
    default:
      return {};
  }
}

}  // namespace headroom
