// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "act/pool_ledger.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <utility>

#include "act/registry.h"
#include "core/text.h"
#include "probe/fs.h"
#include "probe/parsers.h"
#include "probe/processes.h"

namespace headroom {
namespace {

constexpr int kFormat = 1;  // the entry format's version, written in every entry

std::string entry_path(const std::string& dir, const std::string& name) {
  return dir + "/" + name + ".json";
}

// An unsigned field that must fit; absent is `fallback`.
Result<uint64_t> field_u64(const nlohmann::json& j, const char* key, uint64_t fallback) {
  if (!j.contains(key)) return fallback;
  const auto& v = j.at(key);
  if (!v.is_number_unsigned()) {
    if (v.is_number_integer() && v.get<int64_t>() >= 0)
      return static_cast<uint64_t>(v.get<int64_t>());
    return make_error(std::string("\"") + key + "\": not a whole number of at least 0");
  }
  return v.get<uint64_t>();
}

}  // namespace

std::string format_entry(const LedgerEntry& e) {
  const nlohmann::json j{{"format", kFormat},
                         {"name", e.name},
                         {"pid", e.pid},
                         {"start_ticks", e.start_ticks},
                         {"phase", pool_phase_name(e.phase)},
                         {"claim", e.claim},
                         {"held", e.held},
                         {"priority", e.priority},
                         {"ticket", e.ticket}};
  return j.dump() + "\n";
}

Result<LedgerEntry> parse_entry(std::string_view text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return make_error("not a JSON object");
  LedgerEntry e;
  if (!j.contains("name") || !j.at("name").is_string() ||
      !valid_run_name(j.at("name").get<std::string>())) {
    return make_error("\"name\": missing, or not a server name");
  }
  e.name = j.at("name").get<std::string>();
  auto pid = field_u64(j, "pid", 0);
  if (!pid || *pid == 0 || *pid > 4194304) return make_error("\"pid\": missing, or not a PID");
  e.pid = static_cast<int>(*pid);
  if (!j.contains("phase") || !j.at("phase").is_string()) return make_error("\"phase\": missing");
  const auto phase = parse_pool_phase(j.at("phase").get<std::string>());
  if (!phase) {
    return make_error("\"phase\": not one of waiting, loading, serving, stopping");
  }
  e.phase = *phase;
  for (auto [key, out] : {std::pair{"start_ticks", &e.start_ticks}, std::pair{"claim", &e.claim},
                          std::pair{"held", &e.held}, std::pair{"ticket", &e.ticket}}) {
    auto v = field_u64(j, key, 0);
    if (!v) return v.error();
    *out = *v;
  }
  if (j.contains("priority")) {
    const auto& p = j.at("priority");
    if (!p.is_number_integer() || p.get<int64_t>() < -1000 || p.get<int64_t>() > 1000) {
      return make_error("\"priority\": not a whole number from -1000 to 1000");
    }
    e.priority = static_cast<int>(p.get<int64_t>());
  }
  return e;
}

std::string pool_key(const CgroupRef& pool, const Sample& s) {
  std::string key = "system";
  std::string name = pool.name;
  for (size_t i = 0; i < s.cgroup.depth && !name.empty(); ++i) {
    const CgroupLevel& l = s.cgroup.levels[i];
    if (l.limit != kUnlimited && l.limit < s.mem.total) key = name;
    const size_t slash = name.rfind('/');
    name =
        slash == 0 || slash == std::string::npos ? (name == "/" ? "" : "/") : name.substr(0, slash);
  }
  return key;
}

uint64_t process_start_ticks(int pid) {
  if (pid <= 0) return 0;
  auto text = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!text) return 0;
  auto st = parse_proc_stat(*text);
  return st ? st->start_ticks : 0;
}

bool entry_alive(const LedgerEntry& e) {
  if (e.pid <= 0 || (::kill(e.pid, 0) != 0 && errno != EPERM)) return false;
  // Without a start time in the entry, the PID alone decides (an entry written by hand).
  return e.start_ticks == 0 || process_start_ticks(e.pid) == e.start_ticks;
}

std::string pool_ledger_dir(std::string_view pool_key) {
  std::string name;
  if (pool_key.empty() || pool_key == "system") {
    name = "system";
  } else {
    name = "cgroup";
    for (char c : pool_key) {
      name +=
          std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '@' ? c : '-';
    }
    if (name.size() > 200) name.resize(200);
  }
  return runtime_dir() + "/pools/" + name;
}

Result<PoolLedger> PoolLedger::open(std::string dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return make_error(dir + ": " + ec.message());
  if (!is_directory(dir)) return make_error(dir + ": not a directory");
  return PoolLedger(std::move(dir));
}

template <class F>
auto PoolLedger::locked(F&& f) const -> decltype(f()) {
  const std::string path = dir_ + "/lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return sys_error(path, errno);
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      const int e = errno;
      ::close(fd);
      return sys_error(path, e);
    }
  }
  auto r = f();
  ::close(fd);  // releases the lock
  return r;
}

namespace {

// The entries of DIR; `tidy`: remove what is stale (under the lock only).
Result<LedgerRead> scan_ledger(const std::string& dir_, bool tidy) {
  LedgerRead out;
  DIR* d = ::opendir(dir_.c_str());
  if (d == nullptr) return sys_error(dir_, errno);
  std::vector<std::string> names;
  while (const dirent* de = ::readdir(d)) {
    const std::string_view n = de->d_name;
    if (n.ends_with(".json") && n.size() > 5) names.emplace_back(n);
    // A write_file_atomic temporary (NAME.tmp.PID) whose writer died before its rename.
    if (const size_t t = n.rfind(".tmp."); t != std::string_view::npos) {
      const auto pid = parse_u64(n.substr(t + 5));
      if (tidy && pid && *pid > 0 && *pid <= 4194304 && ::kill(static_cast<int>(*pid), 0) != 0 &&
          errno == ESRCH) {
        ::unlink((dir_ + "/" + std::string(n)).c_str());
      }
    }
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& n : names) {
    const std::string path = dir_ + "/" + n;
    auto text = read_file(path);
    if (!text) continue;  // removed between readdir and open: nothing to say
    auto e = parse_entry(*text);
    if (!e) {
      out.unreadable.push_back(path + ": " + e.error().message);
      continue;
    }
    if (entry_path(dir_, e->name) != path) {
      out.unreadable.push_back(path + ": names " + e->name + ", not the file's own name");
      continue;
    }
    if (!entry_alive(*e)) {
      out.dropped.push_back(e->name + " (pid " + std::to_string(e->pid) + " has exited)");
      if (tidy) ::unlink(path.c_str());
      continue;
    }
    out.entries.push_back(std::move(*e));
  }
  return out;
}

}  // namespace

Result<LedgerRead> PoolLedger::read_unlocked() const {
  return scan_ledger(dir_, true);
}

Result<LedgerRead> peek_ledger(const std::string& dir) {
  return scan_ledger(dir, false);
}

Status PoolLedger::write_unlocked(LedgerEntry& e) const {
  if (!valid_run_name(e.name)) {
    return make_error("--name \"" + e.name + "\": use letters, digits, '-', '_', '.', '@'");
  }
  if (e.ticket == 0) {
    const std::string seq = dir_ + "/seq";
    uint64_t next = 1;
    if (auto text = read_file(seq)) {
      if (auto n = parse_u64(trim(*text))) next = *n + 1;
    }
    if (auto w = write_file_atomic(seq, std::to_string(next) + "\n"); !w) return w.error();
    e.ticket = next;
  }
  return write_file_atomic(entry_path(dir_, e.name), format_entry(e));
}

Result<LedgerRead> PoolLedger::read() const {
  return locked([&] { return read_unlocked(); });
}

Result<LedgerRead> PoolLedger::write(LedgerEntry& e) const {
  return locked([&]() -> Result<LedgerRead> {
    auto r = read_unlocked();
    if (!r) return r;
    auto same = std::find_if(r->entries.begin(), r->entries.end(),
                             [&](const LedgerEntry& x) { return x.name == e.name; });
    if (same != r->entries.end()) {
      if (same->pid != e.pid) {
        return make_error("a headroom run named " + e.name + " is already on this pool (pid " +
                          std::to_string(same->pid) + "); give this one another --name");
      }
      r->entries.erase(same);
    }
    if (auto w = write_unlocked(e); !w) return w.error();
    return r;
  });
}

Result<bool> PoolLedger::admit(
    LedgerEntry& e, const std::function<bool(const std::vector<LedgerEntry>&)>& decide) const {
  return locked([&]() -> Result<bool> {
    auto r = read_unlocked();
    if (!r) return r.error();
    std::erase_if(r->entries, [&](const LedgerEntry& x) { return x.name == e.name; });
    if (!decide(r->entries)) return false;
    e.phase = PoolPhase::kLoading;
    if (auto w = write_unlocked(e); !w) return w.error();
    return true;
  });
}

Result<std::unique_ptr<LedgerSeat>> LedgerSeat::open(std::string dir, LedgerEntry me) {
  auto l = PoolLedger::open(std::move(dir));
  if (!l) return l.error();
  me.phase = PoolPhase::kWaiting;
  me.ticket = 0;
  std::unique_ptr<LedgerSeat> seat(new LedgerSeat(std::move(*l), std::move(me)));
  auto w = seat->ledger_.write(seat->me_);
  if (!w) return w.error();
  seat->remember(*w);
  return seat;
}

LedgerSeat::~LedgerSeat() {
  ledger_.remove(me_.name, me_.pid);
}

void LedgerSeat::remember(const LedgerRead& r) {
  for (const std::vector<std::string>* list : {&r.dropped, &r.unreadable}) {
    for (const std::string& n : *list) {
      if (std::find(said_.begin(), said_.end(), n) != said_.end()) continue;
      said_.push_back(n);
      notes_.push_back(list == &r.dropped ? "pool ledger: dropped a stale entry: " + n
                                          : "pool ledger: skipped " + n);
    }
  }
}

std::vector<std::string> LedgerSeat::take_notes() {
  return std::exchange(notes_, {});
}

std::vector<LedgerEntry> measure_loading(std::vector<LedgerEntry> others) {
  for (LedgerEntry& e : others) {
    if (e.phase == PoolPhase::kLoading)
      e.held = std::max(e.held, descendants_resident(Root(), e.pid));
  }
  return others;
}

std::vector<LedgerEntry> LedgerSeat::measured(std::vector<LedgerEntry> others) const {
  return measure_loading(std::move(others));
}

Result<PoolStanding> LedgerReader::standing() {
  auto r = peek_ledger(dir_);
  if (!r) {
    // No ledger yet (no `headroom run` on this pool has written one): nothing is promised.
    if (r.error().sys_errno == ENOENT) return PoolStanding{};
    return r.error();
  }
  LedgerEntry me;
  me.name = name_;
  const Admission a = admission(measure_loading(std::move(r->entries)), me);
  return PoolStanding{a.promised, false, a.loading ? a.why : std::string()};
}

Result<PoolStanding> LedgerSeat::standing() {
  auto r = ledger_.read();
  if (!r) return r.error();
  remember(*r);
  const std::vector<LedgerEntry> others = measured(std::move(r->entries));
  const Admission a = admission(others, me_);
  return PoolStanding{a.promised, a.ahead.has_value(), a.why};
}

Result<bool> LedgerSeat::take(uint64_t available, uint64_t target) {
  return ledger_.admit(me_, [&](const std::vector<LedgerEntry>& entries) {
    const Admission a = admission(measured(entries), me_);
    return !a.ahead && available >= a.promised && available - a.promised >= target;
  });
}

Status LedgerSeat::moved(PoolPhase p) {
  if (p == me_.phase) return {};
  if (p == PoolPhase::kWaiting) me_.ticket = 0;  // back of the queue
  if (p != PoolPhase::kLoading) me_.held = 0;    // measured again from the next start
  me_.phase = p;
  auto w = ledger_.write(me_);
  if (!w) return w.error();
  remember(*w);
  return {};
}

Status LedgerSeat::holds(uint64_t bytes) {
  // While loading, in steps of a twentieth of the claim (a write per second would be an fsync per
  // second): what the neighbours' gates see, also for a container, which is not a descendant of
  // this headroom and so not in what they measure themselves.
  if (me_.phase != PoolPhase::kLoading) return {};
  const uint64_t step = std::max<uint64_t>(me_.claim / 20, 64ull << 20);
  if (bytes < me_.held + step && bytes + step > me_.held) return {};
  me_.held = bytes;
  auto w = ledger_.write(me_);
  if (!w) return w.error();
  remember(*w);
  return {};
}

void PoolLedger::remove(const std::string& name, int pid) const {
  // Best effort, on the way out: an entry left behind is stale once its pid is gone, and every
  // reader skips stale entries (entry_alive), so a failed lock or unlink loses nothing.
  (void)locked([&]() -> Status {
    auto text = read_file(entry_path(dir_, name));
    if (!text) return {};
    auto e = parse_entry(*text);
    if (e && e->pid == pid) ::unlink(entry_path(dir_, name).c_str());
    return {};
  });
}

}  // namespace headroom
