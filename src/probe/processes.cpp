#include "probe/processes.h"

#include <dirent.h>

#include <unordered_map>

#include "core/text.h"

namespace headroom {

Result<std::vector<ProcStat>> scan_processes(const Root& root) {
  const std::string proc = root.path("/proc");
  DIR* dir = ::opendir(proc.c_str());
  if (dir == nullptr) return make_error(proc + ": cannot list processes");
  std::vector<ProcStat> out;
  std::string path;
  while (const dirent* e = ::readdir(dir)) {
    if (!parse_u64(e->d_name)) continue;
    path = proc + "/" + e->d_name + "/stat";
    auto text = read_file(path);
    if (!text) continue;  // exited meanwhile
    auto st = parse_proc_stat(*text);
    if (st) out.push_back(std::move(*st));
  }
  ::closedir(dir);
  return out;
}

std::vector<ProcStat> descendants_of(const std::vector<ProcStat>& table, int ancestor) {
  std::unordered_multimap<int, const ProcStat*> children;
  for (const ProcStat& p : table)
    children.emplace(p.ppid, &p);
  std::vector<ProcStat> out;
  std::vector<int> frontier{ancestor};
  while (!frontier.empty()) {
    const int parent = frontier.back();
    frontier.pop_back();
    auto [b, e] = children.equal_range(parent);
    for (auto it = b; it != e; ++it) {
      const ProcStat& c = *it->second;
      if (c.pid == ancestor || c.pid == parent) continue;
      frontier.push_back(c.pid);
      if (c.state != 'Z' && c.state != 'X') out.push_back(c);
      if (out.size() > 100000) return out;  // a cycle would be a kernel bug; stay bounded
    }
  }
  return out;
}

}  // namespace headroom
