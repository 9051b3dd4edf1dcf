// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "probe/cgroup.h"

#include <fmt/format.h>

#include <array>
#include <cerrno>

#include "core/text.h"
#include "probe/parsers.h"

namespace headroom {
namespace {

bool has_word(std::string_view list, std::string_view word, char sep) {
  while (!list.empty()) {
    const size_t p = list.find(sep);
    const std::string_view item = trim(list.substr(0, p));
    if (item == word) return true;
    if (p == std::string_view::npos) break;
    list.remove_prefix(p + 1);
  }
  return false;
}

// "/a//b/" -> "/a/b"; "" -> "/". Rejects "." and ".." components.
Result<std::string> normalize_cgroup_name(std::string_view spec) {
  std::string out;
  std::string_view rest = spec;
  while (!rest.empty()) {
    const size_t p = rest.find('/');
    const std::string_view part = rest.substr(0, p);
    if (part == "." || part == "..") {
      return make_error(fmt::format("cgroup \"{}\": \".\" and \"..\" are not allowed", spec));
    }
    if (!part.empty()) {
      out += '/';
      out += part;
    }
    if (p == std::string_view::npos) break;
    rest.remove_prefix(p + 1);
  }
  // push_back, not `out = "/"`: GCC 12 at -O3 reports a false -Wrestrict in that assignment
  // (GCC bug 105651).
  if (out.empty()) out.push_back('/');
  return out;
}

std::string join(const std::string& dir, std::string_view file) {
  std::string out = dir;
  if (out.empty() || out.back() != '/') out += '/';
  out += file;
  return out;
}

struct Files {
  std::string_view limit, usage;
  std::array<std::string_view, 3> stat_keys;  // inactive file, active file, all file pages
  std::string_view events, oom_key;
};

constexpr Files kV1{"memory.limit_in_bytes",
                    "memory.usage_in_bytes",
                    {"total_inactive_file", "total_active_file", "total_cache"},
                    "memory.oom_control",
                    "oom_kill"};
constexpr Files kV2{"memory.max",
                    "memory.current",
                    {"inactive_file", "active_file", "file"},
                    "memory.events",
                    "oom_kill"};

const Files& files_of(int version) {
  return version == 2 ? kV2 : kV1;
}

Error removed_or(const Error& e, const CgroupRef& ref) {
  if (e.sys_errno == ENOENT || e.sys_errno == ENODEV) {
    return Error{fmt::format("cgroup {} was removed ({})", ref.name, e.message), e.sys_errno};
  }
  return e;
}

}  // namespace

Result<CgroupHierarchy> find_memory_hierarchy(const Root& root) {
  auto text = read_file(root.path("/proc/self/mounts"));
  if (!text) return text.error();
  auto mounts = parse_mounts(*text);
  if (!mounts) return mounts.error().in(root.path("/proc/self/mounts"));
  CgroupHierarchy v1;
  for (const MountEntry& m : *mounts) {
    if (m.fstype == "cgroup2") {
      auto controllers = read_file(root.path(join(m.target, "cgroup.controllers")));
      if (controllers && has_word(trim(*controllers), "memory", ' ')) {
        return CgroupHierarchy{2, m.target};
      }
    } else if (m.fstype == "cgroup" && v1.version == 0 && has_word(m.options, "memory", ',')) {
      v1 = CgroupHierarchy{1, m.target};
    }
  }
  if (v1.version != 0) return v1;
  return make_error(
      "no memory cgroup hierarchy is mounted (neither cgroup v2 with the memory controller nor "
      "cgroup v1 with the memory option in /proc/self/mounts)");
}

Result<CgroupRef> resolve_cgroup(const Root& root, std::string_view spec) {
  auto h = find_memory_hierarchy(root);
  if (!h) return h.error();

  std::string_view name_spec = trim(spec);
  std::string own;
  if (name_spec.empty() || name_spec == "self") {
    const std::string path = root.path("/proc/self/cgroup");
    auto text = read_file(path);
    if (!text) return text.error();
    auto entries = parse_proc_cgroup(*text);
    if (!entries) return entries.error().in(path);
    for (const ProcCgroupEntry& e : *entries) {
      const bool match = h->version == 2 ? (e.hierarchy_id == "0" && e.controllers.empty())
                                         : has_word(e.controllers, "memory", ',');
      if (match) {
        own = e.path;
        break;
      }
    }
    if (own.empty()) {
      return make_error(
          fmt::format("{}: no entry for the memory controller (cgroup v{})", path, h->version));
    }
    name_spec = own;
  } else if (name_spec.substr(0, h->mount.size()) == h->mount &&
             (name_spec.size() == h->mount.size() || name_spec[h->mount.size()] == '/')) {
    name_spec.remove_prefix(h->mount.size());  // a filesystem path inside the hierarchy
  }

  auto name = normalize_cgroup_name(name_spec);
  if (!name) return name.error();
  CgroupRef ref;
  ref.version = h->version;
  ref.name = *name;
  ref.dir = root.path(ref.name == "/" ? h->mount : h->mount + ref.name);
  if (!is_directory(ref.dir)) {
    return make_error(
        fmt::format("cgroup \"{}\" not found: no directory {} (memory controller: "
                    "cgroup v{} at {})",
                    spec, ref.dir, h->version, h->mount));
  }
  if (!ref.is_root() && !path_exists(join(ref.dir, files_of(ref.version).limit))) {
    std::string hint;
    if (ref.version == 2) {
      hint = "; enable the controller with `echo +memory > <parent>/cgroup.subtree_control`";
    }
    return make_error(fmt::format("{} is not a memory cgroup: it has no {}{}", ref.dir,
                                  files_of(ref.version).limit, hint));
  }
  return ref;
}

Result<CgroupReader> CgroupReader::open(const CgroupRef& ref) {
  CgroupReader r;
  r.ref_ = ref;
  if (ref.is_root()) return r;  // the root cgroup is the whole system: no limit to read
  const Files& f = files_of(ref.version);

  auto open_level = [&](const std::string& dir) -> Result<Level> {
    Level l;
    auto limit = ProcFile::open(join(dir, f.limit));
    if (!limit) return limit.error();
    auto usage = ProcFile::open(join(dir, f.usage));
    if (!usage) return usage.error();
    auto stat = ProcFile::open(join(dir, "memory.stat"));
    if (!stat) return stat.error();
    l.limit = std::move(*limit);
    l.usage = std::move(*usage);
    l.stat = std::move(*stat);
    return l;
  };

  auto own = open_level(ref.dir);
  if (!own) return own.error();
  r.levels_.push_back(std::move(*own));

  // Ancestors with a limit of their own, up to (not including) the hierarchy's root.
  std::string dir = ref.dir;
  std::string_view name = ref.name;
  while (r.levels_.size() < CgroupSample::kMaxLevels) {
    const size_t slash = name.rfind('/');
    if (slash == 0 || slash == std::string_view::npos) break;
    name = name.substr(0, slash);
    dir = dir.substr(0, dir.rfind('/'));
    auto limit_text = read_file(join(dir, f.limit));
    if (!limit_text) continue;  // no memory files at this level (v2 without +memory above)
    auto limit = parse_cgroup_limit(*limit_text);
    if (!limit || *limit == kUnlimited) continue;
    auto level = open_level(dir);
    if (!level) return level.error();
    r.levels_.push_back(std::move(*level));
  }

  // memory.oom_control's oom_kill exists since Linux 4.13; without it, the count is unknown.
  auto events = ProcFile::open(join(ref.dir, f.events));
  if (events) r.events_ = std::move(*events);
  return r;
}

Status CgroupReader::read(CgroupSample& out) {
  out.version = ref_.version;
  out.depth = 0;
  out.has_oom_kills = false;
  if (ref_.is_root()) return {};
  const Files& f = files_of(ref_.version);
  for (Level& l : levels_) {
    CgroupLevel& dst = out.levels[out.depth++];
    auto limit_text = l.limit.read();
    if (!limit_text) return removed_or(limit_text.error(), ref_);
    auto limit = parse_cgroup_limit(*limit_text);
    if (!limit) return limit.error().in(l.limit.path());
    dst.limit = *limit;

    auto usage_text = l.usage.read();
    if (!usage_text) return removed_or(usage_text.error(), ref_);
    auto usage = parse_cgroup_value(*usage_text);
    if (!usage) return usage.error().in(l.usage.path());
    dst.usage = *usage;

    auto stat_text = l.stat.read();
    if (!stat_text) return removed_or(stat_text.error(), ref_);
    std::array<uint64_t, 3> values{};
    unsigned found = 0;
    if (Status st = parse_flat_keyed(*stat_text, f.stat_keys.data(), values.data(), 3, &found);
        !st) {
      return st.error().in(l.stat.path());
    }
    dst.inactive_file = values[0];
    dst.active_file = values[1];
    dst.file = values[2];
  }
  if (events_.is_open()) {
    auto text = events_.read();
    if (!text) return removed_or(text.error(), ref_);
    uint64_t kills = 0;
    unsigned found = 0;
    const std::string_view key = f.oom_key;
    if (Status st = parse_flat_keyed(*text, &key, &kills, 1, &found); !st) {
      return st.error().in(events_.path());
    }
    out.oom_kills = kills;
    out.has_oom_kills = found != 0;
  }
  return {};
}

}  // namespace headroom
