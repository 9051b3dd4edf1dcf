// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// HR201-HR214: systemd units running inference servers (FIELD.md section 4).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <system_error>

#include "core/defaults.h"
#include "core/duration.h"
#include "core/text.h"
#include "lint/rules.h"

namespace headroom::lint {
namespace {

namespace fs = std::filesystem;

// systemd's unit search path for the system manager (systemd.unit(5)).
constexpr auto kUnitDirs = std::to_array<std::string_view>(
    {"etc/systemd/system", "run/systemd/system", "usr/local/lib/systemd/system",
     "usr/lib/systemd/system", "lib/systemd/system"});

// Units systemd provides itself (systemd.special(7)): present wherever systemd runs.
constexpr auto kSpecial =
    std::to_array<std::string_view>({"basic.target",         "default.target",
                                     "multi-user.target",    "graphical.target",
                                     "network.target",       "network-online.target",
                                     "network-pre.target",   "local-fs.target",
                                     "local-fs-pre.target",  "remote-fs.target",
                                     "remote-fs-pre.target", "sysinit.target",
                                     "sockets.target",       "timers.target",
                                     "paths.target",         "shutdown.target",
                                     "time-sync.target",     "time-set.target",
                                     "nss-lookup.target",    "nss-user-lookup.target",
                                     "getty.target",         "rescue.target",
                                     "emergency.target",     "swap.target",
                                     "umount.target",        "final.target",
                                     "slices.target",        "system.slice",
                                     "user.slice",           "-.slice",
                                     "machine.slice"});

// Units the NVIDIA driver's own packages install (nvidia-persistenced(1) ships its unit with the
// driver's utilities; Fabric Manager and DCGM theirs): present on the GPU machine a unit is
// written for, absent on a laptop or a CI runner that lints it. Checked only where the driver is
// (its /proc/driver/nvidia or nvidia-smi under the root): there a missing one is a finding.
constexpr auto kGpuDriverUnits = std::to_array<std::string_view>(
    {"nvidia-persistenced.service", "nvidia-fabricmanager.service", "nvidia-dcgm.service",
     "dcgm.service", "nvidia-powerd.service"});

class UnitLookup {
 public:
  UnitLookup(const std::string& root, const std::string& file) {
    for (std::string_view d : kUnitDirs) {
      std::error_code ec;
      const fs::path p = fs::path(root) / d;
      if (fs::is_directory(p, ec)) dirs_.push_back(p);
    }
    searchable_ = !dirs_.empty();
    search_dirs_ = dirs_.size();
    for (const char* p : {"proc/driver/nvidia", "usr/bin/nvidia-smi"}) {
      std::error_code ec;
      driver_here_ = driver_here_ || fs::exists(fs::path(root) / p, ec);
    }
    const fs::path here = fs::path(file).parent_path();
    std::error_code ec;
    if (!file.empty() && fs::is_directory(here.empty() ? "." : here, ec)) {
      dirs_.push_back(here.empty() ? "." : here);
    }
    // Installed: the file is in a unit directory (/etc/systemd/system/x.service,
    // ~/.config/systemd/user/, a .wants/ below one), so this machine is the one it runs on.
    for (fs::path d = here; !d.empty() && d != d.parent_path(); d = d.parent_path()) {
      const std::string leaf = d.filename().string();
      if ((leaf == "system" || leaf == "user") && d.parent_path().filename() == "systemd") {
        installed_ = true;
      }
    }
  }
  // The linted file is in a unit directory: what is missing here is missing where it runs.
  bool installed() const { return installed_; }
  // A unit of the search path (or systemd's own) whose name is one or two edits from `name`:
  // a misspelling ("network-online.targt"), said wherever the file is linted.
  std::string near(const std::string& name) const {
    if (name.size() < 8) return {};
    auto close = [&](std::string_view other) {
      if (other == name || (other.size() > name.size() + 2) || (name.size() > other.size() + 2))
        return false;
      return edit_distance(name, other) <= 2;
    };
    for (std::string_view s : kSpecial) {
      if (close(s)) return std::string(s);
    }
    // The unit search path only: the linted file's own folder may hold thousands of files.
    for (size_t k = 0; k < search_dirs_; ++k) {
      std::error_code ec;
      for (fs::directory_iterator it(dirs_[k], ec), end; !ec && it != end; it.increment(ec)) {
        const std::string other = it->path().filename().string();
        if (close(other)) return other;
      }
    }
    return {};
  }
  bool searchable() const { return searchable_; }
  // The NVIDIA driver is installed under the root: its units can be looked for.
  bool driver_here() const { return driver_here_; }
  bool exists(std::string name) const {
    for (std::string_view s : kSpecial) {
      if (name == s) return true;
    }
    // systemd's own units (systemd-machined.service, systemd-resolved.service): where systemd
    // runs, some package of it has them.
    if (name.starts_with("systemd-")) return true;
    // A podman quadlet beside it (ollama.container) is what NAME.service is generated from.
    if (const size_t dot = name.rfind('.');
        dot != std::string::npos && name.substr(dot) == ".service") {
      for (const char* q : {".container", ".kube", ".pod"}) {
        for (const fs::path& d : dirs_) {
          std::error_code ec;
          if (fs::exists(d / (name.substr(0, dot) + q), ec)) return true;
        }
      }
    }
    // foo@bar.service comes from the template foo@.service.
    const size_t at = name.find('@');
    const size_t dot = name.rfind('.');
    std::string templ;
    if (at != std::string::npos && dot != std::string::npos && dot > at + 1) {
      templ = name.substr(0, at + 1) + name.substr(dot);
    }
    for (const fs::path& d : dirs_) {
      std::error_code ec;
      if (fs::exists(d / name, ec)) return true;
      if (!templ.empty() && fs::exists(d / templ, ec)) return true;
    }
    return false;
  }

 private:
  std::vector<fs::path> dirs_;
  bool searchable_ = false;
  bool driver_here_ = false;
  bool installed_ = false;
  size_t search_dirs_ = 0;  // dirs_[0, search_dirs_) are the unit search path's

  static size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
      row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      size_t diag = row[0];
      row[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        const size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diag = up;
      }
    }
    return row[b.size()];
  }
};

// A systemd time span ("30", "30s", "5min 20s", "infinity"); 0 means "no limit" where systemd
// says so, which the callers handle.
std::optional<Duration> timespan(const UnitEntry* e) {
  if (e == nullptr) return std::nullopt;
  auto d = parse_duration(e->value);
  if (!d) return std::nullopt;
  return *d;
}

bool is_docker(const ExecCommand& c, std::initializer_list<std::string_view> subcommands) {
  if (c.argv.empty() || path_basename(c.argv[0]) != "docker") return false;
  for (size_t i = 1; i < c.argv.size() && i < 3; ++i) {
    for (std::string_view s : subcommands) {
      if (c.argv[i] == s) return true;
    }
  }
  return false;
}

// The memory wait of an ExecStartPre= command: `headroom wait` (its --timeout, the seed form's
// second number, or its 300 s default) or the seed's *wait-memory*.sh TARGET TIMEOUT.
std::optional<Duration> memory_wait(const ExecCommand& c) {
  const auto& a = c.argv;
  size_t i = 0;
  while (i < a.size() && (path_basename(a[i]) == "sudo" || path_basename(a[i]) == "env"))
    ++i;
  if (i >= a.size()) return std::nullopt;
  const std::string_view prog = path_basename(a[i]);
  if (prog == "headroom" && i + 1 < a.size() && a[i + 1] == "wait") {
    std::vector<std::string_view> positional;
    for (size_t k = i + 2; k < a.size(); ++k) {
      if (a[k] == "--timeout" && k + 1 < a.size()) {
        auto d = parse_duration(a[k + 1]);
        return d ? std::optional<Duration>(*d) : std::nullopt;
      }
      if (a[k].rfind("--timeout=", 0) == 0) {
        auto d = parse_duration(a[k].substr(10));
        return d ? std::optional<Duration>(*d) : std::nullopt;
      }
      if (a[k].rfind("-", 0) != 0) positional.push_back(a[k]);
    }
    if (positional.size() >= 2) {
      auto d = parse_duration(positional[1]);
      if (d) return *d;
    }
    return defaults::kGateTimeout.value;  // headroom wait's default --timeout
  }
  if (prog.find("wait-memory") != std::string_view::npos ||
      prog.find("wait_memory") != std::string_view::npos) {
    if (i + 2 < a.size()) {
      auto d = parse_duration(a[i + 2]);
      if (d) return *d;
    }
  }
  return std::nullopt;
}

// Any ExecStartPre= that gates on memory: headroom wait or the usual wait script (memory_wait),
// or a program of another name that says so (gb10_check_mem_available.sh, wait-for-vram,
// check_memory.py behind bash/python): its timeout is unknown, but the start waits.
bool gates_on_memory(const ExecCommand& c) {
  if (memory_wait(c)) return true;
  // The program run: past env (its flags and VAR=value words), sudo, nice, nohup, and through an
  // interpreter (bash --norc SCRIPT, python3 SCRIPT) to its script. Its arguments do not count
  // (install -d %t/gb10-memory-guardian makes a directory).
  const auto& a = c.argv;
  size_t i = 0;
  while (i < a.size()) {
    const std::string_view w = path_basename(a[i]);
    if (w == "env" || w == "sudo" || w == "nice" || w == "nohup" || a[i].starts_with("-") ||
        a[i].find('=') != std::string::npos) {
      ++i;
      continue;
    }
    if (w == "bash" || w == "sh" || w == "dash" || w.starts_with("python")) {
      ++i;
      while (i < a.size() && a[i].starts_with("-"))
        ++i;
      continue;
    }
    break;
  }
  if (i >= a.size() || path_basename(a[i]) == "docker") return false;
  std::string w(path_basename(a[i]));
  std::transform(w.begin(), w.end(), w.begin(), ascii_lower);
  for (std::string_view hint : {"mem", "wait", "avail", "vram"}) {
    if (w.find(hint) != std::string::npos) return true;
  }
  return false;
}

// An ExecStop= that stops the container: docker stop/kill/rm (or compose down/stop/kill/rm),
// or a script or wrapper, whose inside this cannot see and whose author meant it to.
bool stops_container(const ExecCommand& c) {
  if (c.argv.empty()) return false;
  if (path_basename(c.argv[0]) != "docker") return true;
  if (is_docker(c, {"stop", "kill", "rm"})) return true;
  for (size_t i = 1; i + 1 < c.argv.size() && i < 4; ++i) {
    if (c.argv[i] != "compose") continue;
    for (size_t k = i + 1; k < c.argv.size(); ++k) {
      const std::string& s = c.argv[k];
      if (s == "down" || s == "stop" || s == "kill" || s == "rm") return true;
    }
  }
  return false;
}

bool is_headroom_run(const ExecCommand& c) {
  for (size_t i = 0; i + 1 < c.argv.size() && i < 3; ++i) {
    if (path_basename(c.argv[i]) == "headroom" && c.argv[i + 1] == "run") return true;
  }
  return false;
}

std::string seconds_text(Duration d) {
  return format_duration(d);
}

// What the unit says that several rules read, taken from it once.
struct UnitFacts {
  const UnitEntry* restart = nullptr;  // [Service] Restart=
  bool restarting = false;             // Restart= other than "no"
  bool gate = false;                   // an ExecStartPre= memory gate, or ExecStart=headroom run
  bool has_wait = false;               // an ExecStartPre= memory wait of known length
  Duration waits{0};                   // the sum of those waits
  std::string type;                    // Type=, "simple" when unset
  bool stops = false;                  // an ExecStop= stops the container
  bool remains = false;                // RemainAfterExit=yes
};

// systemd's boolean true (systemd.syntax(7)); false when unset.
bool yes(const UnitEntry* e) {
  return e != nullptr &&
         (e->value == "yes" || e->value == "true" || e->value == "1" || e->value == "on");
}

UnitFacts read_facts(const Document& doc, const UnitFile& u) {
  UnitFacts f;
  f.restart = u.last("Service", "Restart");
  f.restarting = f.restart != nullptr && f.restart->value != "no";
  for (const UnitExec& x : doc.execs) {
    if (x.key == "ExecStartPre") {
      if (auto w = memory_wait(x.cmd)) {
        f.has_wait = true;
        f.waits = (*w == kForever || f.waits == kForever) ? kForever : f.waits + *w;
      }
      f.gate |= gates_on_memory(x.cmd);
    }
    if (x.key == "ExecStart" && is_headroom_run(x.cmd)) f.gate = true;
    if (x.key == "ExecStop" && stops_container(x.cmd)) f.stops = true;
  }
  const UnitEntry* type = u.last("Service", "Type");
  f.type = type != nullptr ? type->value : "simple";
  f.remains = yes(u.last("Service", "RemainAfterExit"));
  return f;
}

// HR213, HR214: what the parser read past the way systemd does (unit_file.h, UnitIssue).
void check_parse_issues(const UnitFile& u, Sink& sink) {
  for (const UnitIssue& i : u.issues) {
    sink.add(i.code, i.span, i.span.begin.line, i.message, i.fix);
  }
}

// HR201 for one name of an After=/Wants=/Requires=/BindsTo= entry.
void check_named_unit(const UnitLookup& lookup, const CheckOptions& opt, const UnitEntry& e,
                      const char* key, const std::string& name, size_t at, Sink& sink) {
  if (name.find('%') != std::string::npos || name.find('$') != std::string::npos) return;
  const bool gpu_reset = name == "nvidia-gpu-reset.target";
  const bool driver_unit =
      std::find(kGpuDriverUnits.begin(), kGpuDriverUnits.end(), name) != kGpuDriverUnits.end();
  if (lookup.exists(name) || (!lookup.searchable() && !gpu_reset) ||
      (driver_unit && !lookup.driver_here())) {
    return;
  }
  // A unit file linted from a checkout, not installed: the units it names may come with
  // it (its project's other units, installed together), so only a misspelling of a unit
  // that is here, or the one known to be absent, is reported.
  const std::string typo = gpu_reset ? std::string() : lookup.near(name);
  if (!lookup.installed() && !gpu_reset && typo.empty()) return;
  const Span span = e.value_map.span(at, at + name.size());
  sink.add("HR201", span, e.line,
           gpu_reset ? fmt::format("{}={}: this target ships with NVIDIA's mig-parted, not "
                                   "with DGX Spark's OS; systemd ignores a unit that does "
                                   "not exist without a word, so nothing is ordered",
                                   key, name)
                     : fmt::format("{}={}: no such unit in the unit search path under {}{}; "
                                   "systemd ignores it without a word",
                                   key, name, opt.unit_root,
                                   typo.empty() ? "" : " (did you mean " + typo + "?)"),
           gpu_reset ? "remove it; to wait for memory use ExecStartPre=headroom wait … "
                       "(or ExecStart=headroom run …)"
                     : fmt::format("check the name, or remove {} from {}=", name, key));
}

// HR201: ordering and requirement on units that are not there.
void check_missing_units(const Document& doc, const UnitFile& u, const CheckOptions& opt,
                         Sink& sink) {
  const UnitLookup lookup(opt.unit_root, doc.file);
  for (const char* key : {"After", "Wants", "Requires", "BindsTo"}) {
    for (const UnitEntry* e : u.all("Unit", key)) {
      size_t pos = 0;
      std::string_view rest = e->value;
      while (!rest.empty()) {
        const size_t start = rest.find_first_not_of(" \t");
        if (start == std::string_view::npos) break;
        const size_t end = std::min(rest.find_first_of(" \t", start), rest.size());
        const std::string name(rest.substr(start, end - start));
        const size_t at = pos + start;
        pos += end;
        rest.remove_prefix(end);
        check_named_unit(lookup, opt, *e, key, name, at, sink);
      }
    }
  }
}

// HR202: restarting fast with nothing waiting for memory.
void check_restart_gate(const UnitFile& u, const UnitFacts& f, Sink& sink) {
  if (!f.restarting || f.gate) return;
  const UnitEntry* sec = u.last("Service", "RestartSec");
  const Duration delay = timespan(sec).value_or(std::chrono::milliseconds(100));
  if (delay >= std::chrono::seconds(60)) return;
  const UnitEntry* at = sec != nullptr ? sec : f.restart;
  sink.add("HR202", sec != nullptr ? sec->value_span() : f.restart->key_span, at->line,
           fmt::format("Restart={} with RestartSec={}{} and no memory gate: the next start "
                       "comes before the old instance's memory is back (seconds to minutes "
                       "on unified memory) and is OOM-killed",
                       f.restart->value, sec != nullptr ? sec->value : "100ms",
                       sec != nullptr ? "" : " (the default)"),
           "add ExecStartPre=headroom wait --free SIZE --gone cgroup:… , or run the server "
           "as ExecStart=headroom run … -- CMD");
}

// HR203: start limits.
void check_start_limits(const UnitFile& u, const UnitFacts& f, Sink& sink) {
  for (const char* key : {"StartLimitIntervalSec"}) {
    if (const UnitEntry* e = u.last("Service", key)) {
      sink.add("HR203", e->key_span, e->line,
               fmt::format("{}= under [Service]: systemd ignores it there (\"Unknown key "
                           "'{}' in section [Service], ignoring.\"); the defaults (5 starts in 10 "
                           "s) stay in force",
                           key, key),
               fmt::format("move {}= to [Unit]", key));
    }
  }
  if (!f.restarting) return;
  const bool limits =
      u.last("Unit", "StartLimitBurst") || u.last("Unit", "StartLimitIntervalSec") ||
      u.last("Unit", "StartLimitInterval") || u.last("Service", "StartLimitBurst") ||
      u.last("Service", "StartLimitInterval");
  if (limits) return;
  // A warning: systemd's default limit still applies, it only rarely trips; the error is for
  // a limit written under [Service], one the author meant and systemd drops.
  sink.add_at(Severity::warning, "HR203", f.restart->key_span, f.restart->line,
              fmt::format("Restart={} without StartLimitBurst=/StartLimitIntervalSec= in [Unit]: "
                          "the defaults (5 starts within 10 s) never trip when each try takes "
                          "longer, so a failing server restarts forever and leaks memory",
                          f.restart->value),
              "add StartLimitIntervalSec=600 and StartLimitBurst=3 to [Unit]");
}

// HR204: the wait outlives the start timeout.
void check_start_timeout(const Document& doc, const UnitFile& u, const UnitFacts& f, Sink& sink) {
  if (!f.has_wait) return;
  const UnitEntry* t = u.last("Service", "TimeoutStartSec");
  if (t == nullptr) t = u.last("Service", "TimeoutSec");
  Duration limit = std::chrono::seconds(90);
  if (t != nullptr) {
    auto d = timespan(t);
    limit = !d ? kForever : (*d == Duration::zero() ? kForever : *d);
  }
  if (limit == kForever || f.waits <= limit) return;
  const UnitExec* first = nullptr;
  for (const UnitExec& x : doc.execs) {
    if (x.key == "ExecStartPre" && memory_wait(x.cmd) && first == nullptr) first = &x;
  }
  const Span span = t != nullptr ? t->value_span() : first->cmd.spans.front();
  sink.add("HR204", span, t != nullptr ? t->line : first->line,
           fmt::format("{}={} is shorter than the memory wait in ExecStartPre= ({}): systemd "
                       "kills the wait and fails the start while it is still waiting",
                       t != nullptr ? t->key : "TimeoutStartSec",
                       t != nullptr ? t->value : "90s (the default)", seconds_text(f.waits)),
           fmt::format("set TimeoutStartSec= above the wait (e.g. {}s) or shorten the wait",
                       std::chrono::duration_cast<std::chrono::seconds>(f.waits).count() + 60));
}

// HR210: a user unit ordered on the system manager's units (systemd.special(7): the user
// manager has no network-online.target, docker.service, ...): the ordering does nothing.
void check_user_unit_order(const UnitFile& u, Sink& sink) {
  const UnitEntry* wanted_by = u.last("Install", "WantedBy");
  bool uses_home = false;
  for (const UnitEntry& e : u.entries)
    uses_home |= e.value.find("%h") != std::string::npos;
  const bool default_target =
      wanted_by != nullptr && wanted_by->value.find("default.target") != std::string::npos;
  if (!u.user_manager_hint && !(uses_home && default_target)) return;
  static const std::array<std::string_view, 11> kSystemOnly = {
      "network.target",   "network-online.target",       "nss-lookup.target", "time-sync.target",
      "docker.service",   "containerd.service",          "multi-user.target", "graphical.target",
      "remote-fs.target", "nvidia-persistenced.service", "local-fs.target"};
  for (const UnitEntry* e : u.all("Unit", "After")) {
    for (std::string_view name : kSystemOnly) {
      const size_t at = e->value.find(name);
      if (at == std::string::npos) continue;
      sink.add("HR210", e->value_map.span(at, at + name.size()), e->line,
               fmt::format("a user unit ({}) ordered After={}: that unit belongs to the "
                           "system manager, which a user manager cannot see, so the ordering "
                           "is silently ignored and the server may start before it",
                           u.user_manager_hint ? "its text names the user manager"
                                               : "%h paths, WantedBy=default.target",
                           name),
               "run it as a system unit with User= (headroom unit --user NAME), or wait for "
               "what it needs in ExecStartPre=");
      return;  // one finding says it
    }
  }
}

// HR212: PrivateDevices= where the server is a process of the unit (a container's devices
// come from dockerd, which the setting does not touch).
void check_private_devices(const Document& doc, const UnitFile& u, Sink& sink) {
  const UnitEntry* pd = u.last("Service", "PrivateDevices");
  if (pd == nullptr) return;
  bool runs_server = std::any_of(doc.servers.begin(), doc.servers.end(),
                                 [](const ServerCall& s) { return !s.in_container; });
  for (const UnitExec& x : doc.execs) {
    const auto& argv = x.cmd.argv;  // headroom run -- docker run ...: a container too
    const bool docker = std::any_of(argv.begin(), argv.end(), [](const std::string& w) {
      return path_basename(w) == "docker";
    });
    runs_server |= x.key == "ExecStart" && !docker && find_engine(argv).has_value();
  }
  if (!runs_server || !yes(pd)) return;
  sink.add("HR212", pd->value_span(), pd->line,
           "PrivateDevices=yes gives the server a /dev with only the pseudo devices: "
           "/dev/nvidia*, /dev/nvidia-uvm and /dev/dri are gone, and CUDA finds no GPU (it "
           "falls back to the CPU or fails)",
           "remove PrivateDevices= (docs/systemd.md lists the sandboxing a GPU server keeps)");
}

// HR209: MemoryMax= bounds the unit's cgroup, which holds the docker client; the container
// lives in dockerd's (FIELD.md section 4). A container with its own --memory is bounded there.
void check_memory_max(const Document& doc, const UnitFile& u, Sink& sink) {
  for (const char* key : {"MemoryMax", "MemoryHigh"}) {
    const UnitEntry* m = u.last("Service", key);
    if (m == nullptr || m->value.empty() || m->value == "infinity") continue;
    for (const Container& c : doc.containers) {
      if (c.compose || c.memory) continue;
      sink.add("HR209", m->value_span(), m->line,
               fmt::format("{}={} on a unit that runs docker run: it bounds the docker client in "
                           "the unit's cgroup, not the container, which runs under dockerd with "
                           "no limit",
                           key, m->value),
               "give docker run --memory (or drop it where the client is all it should bound)");
      break;
    }
  }
}

// HR211: Type=oneshot, RemainAfterExit=yes and docker run -d: active once docker returns.
void check_detached_oneshot(const Container& c, const UnitFacts& f, Sink& sink) {
  if (!c.detach || f.type != "oneshot" || !f.remains) return;
  sink.add("HR211", c.detach->span, c.stmt_line,
           "Type=oneshot with RemainAfterExit=yes and docker run -d: the unit is \"active\" "
           "once docker returns, whatever the container does next; a crash, an OOM kill or a "
           "wedge is seen by nobody, and Restart= cannot apply",
           "run the container in the foreground (no -d) under Type=exec, or under "
           "`headroom run`");
}

// HR205: docker run -d under Type=simple/exec: the unit's process exits, the container runs on.
void check_detached_simple(const Container& c, const UnitFacts& f, Sink& sink) {
  if (!c.detach || (f.type != "simple" && f.type != "exec")) return;
  sink.add("HR205", c.detach->span, c.stmt_line,
           fmt::format("docker run -d under Type={}: docker returns as soon as the container "
                       "is created, the unit counts as exited, and the container runs with "
                       "no one supervising it",
                       f.type),
           "drop -d (docker run stays in the foreground), or supervise with headroom run");
}

// HR206: nothing stops the container when systemd stops the unit.
void check_exec_stop(const Container& c, const UnitFacts& f, Sink& sink) {
  if (f.stops) return;
  sink.add("HR206", c.span, c.stmt_line,
           "ExecStart= runs docker run but no ExecStop= stops the container: when systemd "
           "stops the unit it kills the docker client, and the container keeps running and "
           "holding its memory",
           fmt::format("add ExecStop=/usr/bin/docker stop {}", c.name ? c.name->value : "NAME"));
}

// HR207: a named container that outlives its run keeps the name the next start asks for.
void check_name_conflict(const Document& doc, const Container& c, Sink& sink) {
  if (!c.name || c.rm) return;
  bool removed = false;
  for (const UnitExec& x : doc.execs) {
    if (x.key != "ExecStartPre" || !is_docker(x.cmd, {"rm"})) continue;
    for (const std::string& a : x.cmd.argv)
      removed |= a == c.name->value;
  }
  if (removed) return;
  sink.add("HR207", c.name->span, c.stmt_line,
           fmt::format("docker run --name {} without --rm and without ExecStartPre=-docker "
                       "rm -f {}: the stopped container keeps the name, and every restart "
                       "fails (\"Conflict. The container name \"/{}\" is already in use\")",
                       c.name->value, c.name->value, c.name->value),
           fmt::format("add --rm, or ExecStartPre=-/usr/bin/docker rm -f {}", c.name->value));
}

// HR208: Docker's restart policy and the unit's Restart= both restart the server.
void check_double_restart(const Container& c, const UnitFacts& f, Sink& sink) {
  if (!f.restarting || !c.restart || c.restart->value == "no") return;
  sink.add("HR208", c.restart->span, c.stmt_line,
           fmt::format("docker --restart {} inside a unit with Restart={}: Docker and systemd "
                       "both restart the server, and fight over it",
                       c.restart->value, f.restart->value),
           "drop --restart; let the unit (or headroom run) restart it");
}

}  // namespace

void check_systemd(const Document& doc, const CheckOptions& opt, Sink& sink) {
  if (!doc.unit) return;
  const UnitFile& u = *doc.unit;
  const UnitFacts facts = read_facts(doc, u);
  check_parse_issues(u, sink);
  check_missing_units(doc, u, opt, sink);
  check_restart_gate(u, facts, sink);
  check_start_limits(u, facts, sink);
  check_start_timeout(doc, u, facts, sink);
  check_user_unit_order(u, sink);
  check_private_devices(doc, u, sink);
  check_memory_max(doc, u, sink);
  // HR205-HR208, HR211: docker run as the unit's ExecStart, container by container.
  for (const Container& c : doc.containers) {
    if (c.exec_key != "ExecStart") continue;
    check_detached_oneshot(c, facts, sink);
    check_detached_simple(c, facts, sink);
    check_exec_stop(c, facts, sink);
    check_name_conflict(doc, c, sink);
    check_double_restart(c, facts, sink);
  }
}

}  // namespace headroom::lint
