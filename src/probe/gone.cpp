#include "probe/gone.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <iterator>

#include "core/size.h"
#include "core/text.h"
#include "probe/parsers.h"

namespace headroom {
namespace {

constexpr size_t kMaxWatchedPids = 4096;

bool is_gone_errno(int e) {
  return e == ESRCH || e == ENOENT || e == ENODEV;
}

}  // namespace

Result<int> gpu_holders(GpuSource& gpu, const std::vector<uint32_t>& pids,
                        std::vector<GpuProcess>& scratch, std::string& what) {
  if (Status st = gpu.compute_processes(scratch); !st) return st.error();
  int count = 0;
  for (const GpuProcess& gp : scratch) {
    if (std::find(pids.begin(), pids.end(), gp.pid) == pids.end()) continue;
    if (count++ == 0 && what.empty()) {
      if (gp.used_known) {
        fmt::format_to(std::back_inserter(what), "process {} still holds {} on GPU {}", gp.pid,
                       format_bytes(gp.used_bytes), gp.device);
      } else {
        fmt::format_to(std::back_inserter(what), "process {} is still listed on GPU {}", gp.pid,
                       gp.device);
      }
    }
  }
  return count;
}

Result<GoneSpec> parse_gone_spec(std::string_view text) {
  const std::string_view t = trim(text);
  GoneSpec spec;
  if (t.substr(0, 7) == "cgroup:") {
    spec.kind = GoneSpec::Kind::kCgroup;
    spec.cgroup = std::string(t.substr(7));
    if (spec.cgroup.empty()) return make_error("--gone cgroup: needs a path (cgroup:/my.slice/x)");
    return spec;
  }
  auto pid = parse_u64(t);
  if (!pid || *pid == 0 || *pid > 4194304) {  // PID_MAX_LIMIT
    return make_error(fmt::format("--gone \"{}\": expected a process ID or cgroup:PATH", text));
  }
  spec.pid = static_cast<int>(*pid);
  return spec;
}

Result<std::unique_ptr<ProcessGoneWatch>> ProcessGoneWatch::open(const Root& root,
                                                                 const std::vector<GoneSpec>& specs,
                                                                 GpuSource* gpu) {
  std::unique_ptr<ProcessGoneWatch> w(new ProcessGoneWatch());
  w->gpu_ = gpu;
  for (const GoneSpec& s : specs) {
    if (s.kind == GoneSpec::Kind::kPid) {
      Proc p;
      p.pid = s.pid;
      auto f = ProcFile::open(root.path(fmt::format("/proc/{}/stat", s.pid)));
      if (f) {
        p.stat = std::move(*f);
        if (auto text = p.stat.read(); text) {
          if (auto st = parse_proc_stat(*text); st) p.comm = st->comm;
        }
      } else {
        p.gone = true;  // not running now: nothing to wait for, but its GPU entry still counts
      }
      w->watched_pids_.push_back(static_cast<uint32_t>(s.pid));
      w->procs_.push_back(std::move(p));
    } else {
      Group g;
      g.name = s.cgroup;
      auto ref = resolve_cgroup(root, s.cgroup);
      if (ref) {
        auto f = ProcFile::open(ref->dir + "/cgroup.procs");
        if (!f) return f.error();
        g.name = ref->name;
        g.procs = std::move(*f);
      } else {
        g.gone = true;  // a cgroup that does not exist holds no process
      }
      w->groups_.push_back(std::move(g));
    }
  }
  return w;
}

Result<int> ProcessGoneWatch::pending(std::string& what) {
  int count = 0;
  what.clear();
  for (Proc& p : procs_) {
    if (p.gone) continue;
    auto text = p.stat.read();
    if (!text) {
      if (!is_gone_errno(text.error().sys_errno)) return text.error();
      p.gone = true;
      continue;
    }
    auto st = parse_proc_stat(*text);
    if (st && (st->state == 'Z' || st->state == 'X')) {
      p.gone = true;  // exited; its memory is released before it becomes a zombie
      continue;
    }
    if (count++ == 0) {
      fmt::format_to(std::back_inserter(what), "process {} ({}) is still running", p.pid, p.comm);
    }
  }
  for (Group& g : groups_) {
    if (g.gone) continue;
    // cgroup v1 keeps serving the PID list it loaded at the first read of an open file while it
    // is read more often than once a second: open the file anew for each look.
    Status reopened = g.procs.reopen();
    auto text = reopened ? g.procs.read() : Result<std::string_view>(reopened.error());
    if (!text) {
      if (!is_gone_errno(text.error().sys_errno)) return text.error();
      g.gone = true;
      continue;
    }
    int members = 0;
    LineReader lines(*text);
    std::string_view line;
    while (lines.next(line)) {
      auto pid = parse_u64(trim(line));
      if (!pid) continue;
      ++members;
      const auto p = static_cast<uint32_t>(*pid);
      if (watched_pids_.size() < kMaxWatchedPids &&
          std::find(watched_pids_.begin(), watched_pids_.end(), p) == watched_pids_.end()) {
        watched_pids_.push_back(p);
      }
    }
    if (members == 0) continue;  // empty: its processes are gone (the directory may stay)
    if (count++ == 0) {
      fmt::format_to(std::back_inserter(what), "cgroup {} still holds {} process{}", g.name,
                     members, members == 1 ? "" : "es");
    }
  }
  // The GPU side, once the processes themselves are gone: the driver may still list them.
  if (count == 0 && gpu_ != nullptr && !watched_pids_.empty()) {
    auto held = gpu_holders(*gpu_, watched_pids_, gpu_procs_, what);
    if (!held) return held.error();
    count = *held;
  }
  return count;
}

}  // namespace headroom
