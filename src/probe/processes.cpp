// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "probe/processes.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
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

uint64_t process_resident(const Root& root, int pid) {
  static const auto page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  auto text = read_file(root.path("/proc/" + std::to_string(pid) + "/statm"));
  if (!text) return 0;
  std::string_view rest = *text;
  next_word(rest);  // size
  const auto resident = parse_u64(next_word(rest));
  return resident ? *resident * page : 0;
}

uint64_t descendants_resident(const Root& root, int ancestor) {
  auto table = scan_processes(root);
  if (!table) return 0;
  uint64_t total = 0;
  for (const ProcStat& p : descendants_of(*table, ancestor))
    total += process_resident(root, p.pid);
  return total;
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

std::vector<Mapper> processes_mapping(const Root& root, const std::string& path) {
  std::vector<Mapper> out;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return out;
  const unsigned want_major = major(st.st_dev), want_minor = minor(st.st_dev);
  auto table = scan_processes(root);
  if (!table) return out;
  for (const ProcStat& p : *table) {
    std::ifstream maps(root.path("/proc/" + std::to_string(p.pid) + "/maps"));
    for (std::string line; std::getline(maps, line);) {
      // "7f..-7f.. r--s 00000000 fd:01 1234567   /models/m.gguf"
      unsigned long long ino = 0;
      unsigned maj = 0, min = 0;
      if (std::sscanf(line.c_str(), "%*s %*s %*s %x:%x %llu", &maj, &min, &ino) != 3) continue;
      if (ino == st.st_ino && maj == want_major && min == want_minor) {
        out.push_back(Mapper{p.pid, p.comm});
        break;
      }
    }
  }
  return out;
}

}  // namespace headroom
