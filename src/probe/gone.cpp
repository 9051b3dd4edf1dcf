// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "probe/gone.h"

#include <fmt/format.h>

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>

#include "core/size.h"
#include "core/text.h"
#include "probe/parsers.h"

namespace headroom {
namespace {

constexpr size_t kMaxWatchedPids = 4096;
// A subtree deeper or wider than this is not a server's: stop walking (what was found counts).
constexpr int kMaxDepth = 32;
constexpr size_t kMaxCgroups = 4096;

bool is_gone_errno(int e) {
  return e == ESRCH || e == ENOENT || e == ENODEV;
}

}  // namespace

Result<Pending> gpu_holders(GpuSource& gpu, const std::vector<uint32_t>& pids,
                            std::vector<GpuProcess>& scratch) {
  if (Status st = gpu.compute_processes(scratch); !st) return st.error();
  Pending left;
  for (const GpuProcess& gp : scratch) {
    if (std::find(pids.begin(), pids.end(), gp.pid) == pids.end()) continue;
    if (left.count++ == 0) {
      if (gp.used_known) {
        left.what = fmt::format("process {} still holds {} on GPU {}", gp.pid,
                                format_bytes(gp.used_bytes), gp.device);
      } else {
        left.what = fmt::format("process {} is still listed on GPU {}", gp.pid, gp.device);
      }
    }
  }
  return left;
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
        w->absent_.push_back(fmt::format("process {} is not running", s.pid));
      }
      w->watched_pids_.push_back(static_cast<uint32_t>(s.pid));
      w->procs_.push_back(std::move(p));
    } else {
      Group g;
      g.name = s.cgroup;
      auto ref = resolve_cgroup(root, s.cgroup);
      if (ref) {
        g.name = ref->name;
        g.dir = ref->dir;
        g.version = ref->version;
        if (g.version == 2) {
          auto f = ProcFile::open(ref->dir + "/cgroup.events");
          if (!f) return f.error();
          g.events = std::move(*f);
        }
      } else {
        g.gone = true;                              // a cgroup that does not exist holds no process
        w->absent_.push_back(ref.error().message);  // cgroup "/x" not found: no directory ...
      }
      w->groups_.push_back(std::move(g));
    }
  }
  return w;
}

Result<Pending> ProcessGoneWatch::pending() {
  Pending left;
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
    if (left.count++ == 0) {
      fmt::format_to(std::back_inserter(left.what), "process {} ({}) is still running", p.pid,
                     p.comm);
    }
  }
  for (Group& g : groups_) {
    if (g.gone) continue;
    if (g.version == 2) {
      // `populated` covers the whole subtree; the walk below only names what is left.
      auto text = g.events.read();
      if (!text) {
        if (!is_gone_errno(text.error().sys_errno)) return text.error();
        g.gone = true;
        continue;
      }
      uint64_t populated = 0;
      unsigned found = 0;
      const std::string_view key = "populated";
      if (Status st = parse_flat_keyed(*text, &key, &populated, 1, &found); !st) {
        return st.error().in(g.events.path());
      }
      if (found != 0 && populated == 0) continue;  // empty now (the directory may stay)
    }
    auto scanned = scan_subtree(g);
    if (!scanned) return scanned.error();
    int members = scanned->count;
    const std::string& where = scanned->where;
    if (members == 0 && g.version != 2) continue;
    if (members == 0) members = 1;  // populated, but its processes left between two reads
    if (left.count++ == 0) {
      fmt::format_to(std::back_inserter(left.what), "cgroup {} still holds {} process{}", g.name,
                     members, members == 1 ? "" : "es");
      if (!where.empty() && where != g.name) {
        fmt::format_to(std::back_inserter(left.what), " (in {})", where);
      }
    }
  }
  // The GPU side, once the processes themselves are gone: the driver may still list them.
  if (left.count == 0 && gpu_ != nullptr && !watched_pids_.empty()) {
    return gpu_holders(*gpu_, watched_pids_, gpu_procs_);
  }
  return left;
}

Result<ProcessGoneWatch::Members> ProcessGoneWatch::scan_subtree(const Group& g) {
  Members found;
  struct Dir {
    std::string path, name;
    int depth;
  };
  std::vector<Dir> todo{{g.dir, g.name, 0}};
  size_t visited = 0;
  while (!todo.empty() && visited++ < kMaxCgroups) {
    Dir d = std::move(todo.back());
    todo.pop_back();
    // A fresh read each time: cgroup v1 serves the PID list it loaded at an open file's first
    // read while it is read more often than once a second.
    auto procs = read_file(d.path + "/cgroup.procs");
    if (!procs) {
      if (is_gone_errno(procs.error().sys_errno)) continue;  // removed while walking
      return procs.error();
    }
    LineReader lines(*procs);
    std::string_view line;
    while (lines.next(line)) {
      auto pid = parse_u64(trim(line));
      if (!pid) continue;
      if (found.count++ == 0) found.where = d.name;
      const auto p = static_cast<uint32_t>(*pid);
      if (watched_pids_.size() < kMaxWatchedPids &&
          std::find(watched_pids_.begin(), watched_pids_.end(), p) == watched_pids_.end()) {
        watched_pids_.push_back(p);
      }
    }
    if (d.depth >= kMaxDepth) continue;
    DIR* dir = ::opendir(d.path.c_str());
    if (dir == nullptr) {
      if (is_gone_errno(errno)) continue;
      return Error{fmt::format("{}: {}", d.path, std::strerror(errno)), errno};
    }
    while (const dirent* e = ::readdir(dir)) {
      if (e->d_name[0] == '.') continue;
      const std::string child = e->d_name;
      if (e->d_type != DT_DIR && (e->d_type != DT_UNKNOWN || !is_directory(d.path + "/" + child))) {
        continue;
      }
      todo.push_back(
          Dir{d.path + "/" + child, (d.name == "/" ? "" : d.name) + "/" + child, d.depth + 1});
    }
    ::closedir(dir);
  }
  return found;
}

}  // namespace headroom
