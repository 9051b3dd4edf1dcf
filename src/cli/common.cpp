// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "cli/common.h"

#include <unistd.h>

#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "core/duration.h"
#include "core/size.h"

namespace headroom {

std::string pool_label(const SystemMemorySource& src, const PoolView& pool) {
  const CgroupRef& cg = src.cgroup();
  if (!pool.limited_by_cgroup) return "system (/proc/meminfo MemAvailable)";
  return fmt::format("cgroup {} (v{}, limit {})", cg.name, cg.version, format_bytes(pool.total));
}

nlohmann::ordered_json pool_json(const SystemMemorySource& src, const Sample& s,
                                 const PoolView& pool) {
  using json = nlohmann::ordered_json;
  json j;
  j["kind"] = pool.limited_by_cgroup ? "cgroup" : "system";
  j["total_bytes"] = pool.total;
  j["available_bytes"] = pool.available;
  j["free_bytes"] = pool.free;
  j["page_cache_bytes"] = pool.page_cache;
  j["reclaimable_bytes"] = pool.reclaimable;
  j["available_estimated"] = s.mem.available_estimated;

  const CgroupRef& cg = src.cgroup();
  json c;
  c["path"] = cg.name;
  c["version"] = cg.version;
  if (s.cgroup.depth > 0) {
    const CgroupLevel& own = s.cgroup.levels[0];
    c["limit_bytes"] = own.limit == kUnlimited ? json(nullptr) : json(own.limit);
    c["usage_bytes"] = own.usage;
    c["inactive_file_bytes"] = own.inactive_file;
    c["file_bytes"] = own.file;
    // Tightest limit among ancestors, when one of them binds harder than the cgroup's own.
    uint64_t effective = kUnlimited;
    for (size_t i = 0; i < s.cgroup.depth; ++i) {
      effective = std::min(effective, s.cgroup.levels[i].limit);
    }
    c["effective_limit_bytes"] = effective == kUnlimited ? json(nullptr) : json(effective);
  } else {
    c["limit_bytes"] = nullptr;  // the root cgroup: the whole system
  }
  c["oom_kills"] = s.cgroup.has_oom_kills ? json(s.cgroup.oom_kills) : json(nullptr);
  j["cgroup"] = c;
  return j;
}

CLI::Validator size_validator(bool allow_percent) {
  return CLI::Validator(
      [allow_percent](std::string& v) -> std::string {
        auto spec = parse_size_spec(v, BareNumber::kReject);
        if (!spec) return spec.error().message;
        if (!allow_percent && spec->kind == SizeSpec::Kind::kPercent) {
          return fmt::format("size \"{}\": a percentage is not allowed here", v);
        }
        return {};
      },
      "");
}

CLI::Validator duration_validator() {
  return CLI::Validator(
      [](std::string& v) -> std::string {
        auto d = parse_duration(v);
        return d ? std::string() : d.error().message;
      },
      "");
}

// Where the rule pages are for this binary: PREFIX/share/doc/headroom/rules beside
// PREFIX/bin/headroom (the package), else docs/rules of the source tree a build's binary sits in
// (build/src/headroom), else the source tree's relative path.
std::string find_rule_docs() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const std::filesystem::path& d :
         {exe.parent_path().parent_path() / "share/doc/headroom/rules",
          exe.parent_path().parent_path().parent_path() / "docs/rules"}) {
      if (std::filesystem::exists(d / "HR101.md", ec)) return d.lexically_normal().string();
    }
  }
  return "docs/rules";
}

std::vector<std::string> own_environment() {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e)
    env.emplace_back(*e);
  return env;
}

}  // namespace headroom
