#include "probe/memory_source.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "probe/parsers.h"

namespace headroom {

Result<std::unique_ptr<SystemMemorySource>> SystemMemorySource::open(const Root& root,
                                                                     std::string_view cgroup_spec) {
  std::unique_ptr<SystemMemorySource> s(new SystemMemorySource());
  auto meminfo = ProcFile::open(root.path("/proc/meminfo"));
  if (!meminfo) return meminfo.error();
  s->meminfo_ = std::move(*meminfo);

  auto ref = resolve_cgroup(root, cgroup_spec.empty() ? "self" : cgroup_spec);
  if (!ref) return ref.error();
  auto reader = CgroupReader::open(*ref);
  if (!reader) return reader.error();
  s->cgroup_ = std::move(*reader);

  // A cgroup v2 pool has its own pressure file; otherwise the system's.
  const std::string psi_path = (ref->version == 2 && !ref->is_root())
                                   ? ref->dir + "/memory.pressure"
                                   : root.path("/proc/pressure/memory");
  auto psi = ProcFile::open(psi_path);
  if (!psi) {
    s->psi_source_ = psi.error().sys_errno == ENOENT
                         ? "not available: the kernel has no PSI (CONFIG_PSI)"
                         : "not available: " + psi.error().message;
  } else if (auto probe = psi->read(); !probe) {
    // Kernels built with CONFIG_PSI_DEFAULT_DISABLED answer EOPNOTSUPP until booted with psi=1.
    s->psi_source_ = probe.error().sys_errno == EOPNOTSUPP
                         ? "not available: PSI is disabled (boot with psi=1)"
                         : "not available: " + probe.error().message;
  } else {
    s->psi_source_ = psi_path;
    s->psi_ = std::move(*psi);
  }
  return s;
}

Status SystemMemorySource::read(Sample& out) {
  auto text = meminfo_.read();
  if (!text) return text.error();
  meminfo_text_ = *text;
  if (Status st = parse_meminfo(*text, out.mem); !st) return st.error().in(meminfo_.path());
  if (Status st = cgroup_.read(out.cgroup); !st) return st;
  out.psi.present = false;
  if (psi_.is_open()) {
    auto psi_text = psi_.read();
    if (!psi_text) return psi_text.error();
    if (Status st = parse_psi(*psi_text, out.psi); !st) return st.error().in(psi_.path());
  }
  return {};
}

}  // namespace headroom
