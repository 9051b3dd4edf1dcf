// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "probe/memory_source.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "probe/parsers.h"

namespace headroom {

Result<std::unique_ptr<SystemMemorySource>> SystemMemorySource::open(const Root& root,
                                                                     std::string_view cgroup_spec) {
  std::unique_ptr<SystemMemorySource> s(new SystemMemorySource());
  s->root_ = root;
  auto meminfo = ProcFile::open(root.path("/proc/meminfo"));
  if (!meminfo) return meminfo.error();
  s->meminfo_ = std::move(*meminfo);

  auto ref = resolve_cgroup(root, cgroup_spec.empty() ? "self" : cgroup_spec);
  if (!ref) return ref.error();
  if (Status st = s->open_pool(*ref); !st) return st.error();
  return s;
}

Status SystemMemorySource::open_pool(const CgroupRef& ref) {
  auto reader = CgroupReader::open(ref);
  if (!reader) return reader.error();
  cgroup_ = std::move(*reader);

  // A cgroup v2 pool has its own pressure file; otherwise the system's.
  const std::string psi_path = (ref.version == 2 && !ref.is_root())
                                   ? ref.dir + "/memory.pressure"
                                   : root_.path("/proc/pressure/memory");
  psi_ = ProcFile();
  auto psi = ProcFile::open(psi_path);
  if (!psi) {
    psi_source_ = psi.error().sys_errno == ENOENT
                      ? "not available: the kernel has no PSI (CONFIG_PSI)"
                      : "not available: " + psi.error().message;
  } else if (auto probe = psi->read(); !probe) {
    // Kernels built with CONFIG_PSI_DEFAULT_DISABLED answer EOPNOTSUPP until booted with psi=1.
    psi_source_ = probe.error().sys_errno == EOPNOTSUPP
                      ? "not available: PSI is disabled (boot with psi=1)"
                      : "not available: " + probe.error().message;
  } else {
    psi_source_ = psi_path;
    psi_ = std::move(*psi);
  }
  return {};
}

Status SystemMemorySource::fall_back(const Error& why) {
  const std::string gone = cgroup_.ref().name;
  std::string name = gone;
  while (name != "/") {
    const size_t slash = name.rfind('/');
    name = slash == 0 || slash == std::string::npos ? "/" : name.substr(0, slash);
    auto ref = resolve_cgroup(root_, name);
    if (!ref) continue;  // removed too, or not a memory cgroup: further up
    if (Status st = open_pool(*ref); !st) continue;
    notice_ = fmt::format(
        "the pool's cgroup {} was removed (a unit's cgroup goes away when the unit stops): the "
        "pool is now {} -- give --cgroup {} to gate on it from the start",
        gone, name == "/" ? "the whole system" : "cgroup " + name, name);
    return {};
  }
  return why;
}

std::string SystemMemorySource::take_notice() {
  return std::exchange(notice_, std::string());
}

Status SystemMemorySource::read(Sample& out) {
  auto text = meminfo_.read();
  if (!text) return text.error();
  meminfo_text_ = *text;
  if (Status st = parse_meminfo(*text, out.mem); !st) return st.error().in(meminfo_.path());
  if (Status st = cgroup_.read(out.cgroup); !st) {
    const int e = st.error().sys_errno;
    if (e != ENOENT && e != ENODEV) return st;
    if (Status moved = fall_back(st.error()); !moved) return moved;
    if (Status again = cgroup_.read(out.cgroup); !again) return again;
  }
  out.psi.present = false;
  if (psi_.is_open()) {
    auto psi_text = psi_.read();
    if (!psi_text) return psi_text.error();
    if (Status st = parse_psi(*psi_text, out.psi); !st) return st.error().in(psi_.path());
  }
  return {};
}

}  // namespace headroom
