// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `headroom status`: what memory is really available, and who holds it.
#include <fmt/format.h>
#include <unistd.h>

#include <csignal>
#include <ctime>

#include "act/footprint.h"
#include "act/pool_ledger.h"
#include "cli/common.h"
#include "cli/console.h"
#include "core/duration.h"
#include "core/need.h"
#include "core/size.h"
#include "core/sources.h"
#include "probe/clock.h"
#include "probe/nvml.h"
#include "probe/pagecache.h"
#include "probe/parsers.h"
#include "probe/processes.h"

namespace headroom {
namespace {

struct StatusOptions {
  std::string cgroup = "self";
  std::string need;
  std::vector<std::string> files;
  bool json = false;
  bool no_gpu = false;
  std::string watch = "2s";
  bool watching = false;
};

// A server on this pool, as its headroom run wrote it in the pool's ledger.
struct ServerRow {
  LedgerEntry entry;
  uint64_t held = 0;                  // its process tree's resident memory now
  std::optional<uint64_t> footprint;  // the peak learned on its last runs
};

struct Snapshot {
  Sample sample;
  PoolView pool;
  GpuReport gpu;
  std::vector<Residency> files;
  std::optional<uint64_t> need;
  std::string ledger;  // the pool's ledger directory
  std::vector<ServerRow> servers;
};

// The `headroom run`s on this pool (act/pool_ledger), read without the ledger's lock (status
// writes nothing), with what each holds now and its learned footprint.
std::vector<ServerRow> pool_servers(const std::string& dir) {
  std::vector<ServerRow> out;
  auto read = peek_ledger(dir);
  if (!read) return out;
  for (LedgerEntry& e : read->entries) {
    ServerRow r;
    r.held = descendants_resident(Root(), e.pid);
    if (auto f = load_footprint(e.name); f && *f) r.footprint = (*f)->peak;
    r.entry = std::move(e);
    out.push_back(std::move(r));
  }
  return out;
}

std::string pct(uint64_t part, uint64_t whole) {
  if (whole == 0) return "0%";
  return fmt::format("{:.0f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

std::string row(std::string_view label, std::string_view value, std::string_view note = {}) {
  if (note.empty()) return fmt::format("  {:<13}{:>10}", label, value);
  return fmt::format("  {:<13}{:>10}   {}", label, value, note);
}

std::string render_text(const SystemMemorySource& src, const Snapshot& snap) {
  const Sample& s = snap.sample;
  const PoolView& p = snap.pool;
  std::string out;
  auto add = [&out](const std::string& l) {
    out += l;
    out += '\n';
  };
  add(fmt::format("pool         {}", pool_label(src, p)));
  add(row("total", format_bytes(p.total)));
  add(row("available", format_bytes(p.available),
          s.mem.available_estimated ? "estimated: this kernel has no MemAvailable"
                                    : "what a new server can take now"));
  add(row("free", format_bytes(p.free),
          p.limited_by_cgroup ? "the limit less what the cgroup uses now"
                              : "never used since boot or released"));
  add(row("page cache", format_bytes(p.page_cache),
          p.limited_by_cgroup ? "file pages charged to the cgroup"
                              : fmt::format("{} dirty, {} shmem/tmpfs", format_bytes(s.mem.dirty),
                                            format_bytes(s.mem.shmem))));
  add(row("reclaimable", format_bytes(p.reclaimable),
          p.limited_by_cgroup ? "active + inactive file pages"
                              : "file pages + reclaimable slab: what dropping caches can return"));

  const CgroupRef& cg = src.cgroup();
  if (s.cgroup.depth > 0) {
    const CgroupLevel& own = s.cgroup.levels[0];
    std::string line = fmt::format("cgroup       {} (v{}): ", cg.name, cg.version);
    line += own.limit == kUnlimited ? "no limit" : "limit " + format_bytes(own.limit);
    line += fmt::format(", usage {}, inactive file {}", format_bytes(own.usage),
                        format_bytes(own.inactive_file));
    if (s.cgroup.depth > 1) line += fmt::format(", {} limited ancestor(s)", s.cgroup.depth - 1);
    if (s.cgroup.has_oom_kills) line += fmt::format(", OOM kills {}", s.cgroup.oom_kills);
    add(line);
  } else {
    add(fmt::format("cgroup       {} (v{}): the root cgroup, no limit", cg.name, cg.version));
  }

  if (s.psi.present) {
    std::string line =
        fmt::format("pressure     some {:.2f}% {:.2f}%", s.psi.some.avg10, s.psi.some.avg60);
    if (s.psi.has_full) {
      line += fmt::format("  full {:.2f}% {:.2f}%", s.psi.full.avg10, s.psi.full.avg60);
    }
    line += fmt::format("   (avg10 avg60, {})", src.psi_source());
    add(line);
  } else {
    add(fmt::format("pressure     {}", src.psi_source()));
  }

  if (!snap.gpu.driver) {
    add(fmt::format("gpu          {}", snap.gpu.note.empty() ? "not checked" : snap.gpu.note));
  } else {
    add(fmt::format("gpu          NVIDIA driver {}, {} device(s)", snap.gpu.driver_version,
                    snap.gpu.devices.size()));
    for (const GpuDevice& d : snap.gpu.devices) {
      std::string line = fmt::format("  GPU {} {}: ", d.index, d.name);
      line += d.memory_supported ? fmt::format("{} used of {}, {} free", format_bytes(d.used),
                                               format_bytes(d.total), format_bytes(d.free))
                                 : "memory " + d.memory_note;
      add(line);
      for (const GpuProcess& gp : d.processes) {
        add(fmt::format("    pid {:<8} {}", gp.pid,
                        gp.used_known ? format_bytes(gp.used_bytes) : "(size not reported)"));
      }
      if (!d.processes_note.empty()) add("    processes: " + d.processes_note);
    }
  }

  if (!snap.files.empty()) {
    const ResidencyTotal t = total_residency(snap.files);
    add(fmt::format("files        {} file(s), {}, {} in page cache ({})", snap.files.size(),
                    format_bytes(t.size), format_bytes(t.cached), pct(t.cached, t.size)));
    for (const Residency& r : snap.files) {
      add(fmt::format("  {:>10} of {:>10}  {}", format_bytes(r.resident_bytes()),
                      format_bytes(r.size), r.path));
    }
  }

  if (!snap.servers.empty()) {
    add(fmt::format("servers      {} on this pool (ledger {})", snap.servers.size(), snap.ledger));
    for (const ServerRow& r : snap.servers) {
      const LedgerEntry& e = r.entry;
      add(fmt::format("  {:<16} {:<8} claim {:>10}  holds {:>10}  footprint {:>10}  pid {}", e.name,
                      pool_phase_name(e.phase), e.claim > 0 ? format_bytes(e.claim) : "unknown",
                      format_bytes(r.held), r.footprint ? format_bytes(*r.footprint) : "not yet",
                      e.pid));
    }
  }

  if (snap.need) {
    const NeedCheck n = check_need(p, *snap.need);
    if (n.fits) {
      add(fmt::format("need         {}: fits, {} to spare", format_bytes(n.need),
                      format_bytes(n.spare)));
    } else {
      add(fmt::format("need         {}: short by {}{}", format_bytes(n.need),
                      format_bytes(n.short_by),
                      n.reclaimable_covers ? " (page cache could cover it)" : ""));
    }
  }
  return out;
}

nlohmann::ordered_json render_json(const SystemMemorySource& src, const Snapshot& snap) {
  using json = nlohmann::ordered_json;
  const Sample& s = snap.sample;
  json j;
  j["version"] = kJsonVersion;
  j["pool"] = pool_json(src, s, snap.pool);

  json mem = json::object();
  if (auto fields = parse_meminfo_fields(src.meminfo_text()); fields) {
    for (const MeminfoField& f : *fields)
      mem[f.name] = f.value;  // bytes, or counts (HugePages_*)
  }
  j["meminfo"] = mem;

  json psi;
  psi["available"] = s.psi.present;
  psi["source"] = src.psi_source();
  if (s.psi.present) {
    auto line = [](const PsiLine& l) {
      return json{
          {"avg10", l.avg10}, {"avg60", l.avg60}, {"avg300", l.avg300}, {"total_us", l.total_us}};
    };
    psi["some"] = line(s.psi.some);
    psi["full"] = s.psi.has_full ? line(s.psi.full) : json(nullptr);
  }
  j["pressure"] = psi;

  json gpu;
  gpu["driver"] = snap.gpu.driver;
  gpu["note"] = snap.gpu.note;
  gpu["driver_version"] = snap.gpu.driver_version;
  json devices = json::array();
  for (const GpuDevice& d : snap.gpu.devices) {
    json dj{{"index", d.index}, {"name", d.name}, {"uuid", d.uuid}};
    dj["memory"] = d.memory_supported ? json{{"supported", true},
                                             {"total_bytes", d.total},
                                             {"free_bytes", d.free},
                                             {"used_bytes", d.used}}
                                      : json{{"supported", false}, {"note", d.memory_note}};
    json procs = json::array();
    for (const GpuProcess& gp : d.processes) {
      procs.push_back(
          {{"pid", gp.pid}, {"used_bytes", gp.used_known ? json(gp.used_bytes) : json(nullptr)}});
    }
    dj["processes"] = procs;
    if (!d.processes_note.empty()) dj["processes_error"] = d.processes_note;
    devices.push_back(dj);
  }
  gpu["devices"] = devices;
  j["gpu"] = gpu;

  if (!snap.files.empty()) {
    json files = json::array();
    for (const Residency& r : snap.files) {
      files.push_back({{"path", r.path},
                       {"size_bytes", r.size},
                       {"pages", r.pages},
                       {"cached_pages", r.resident_pages},
                       {"cached_bytes", r.resident_bytes()},
                       {"page_size", r.page_size}});
    }
    j["files"] = files;
  }
  if (!snap.servers.empty()) {
    json servers = json::array();
    for (const ServerRow& r : snap.servers) {
      servers.push_back({{"name", r.entry.name},
                         {"phase", pool_phase_name(r.entry.phase)},
                         {"pid", r.entry.pid},
                         {"claim_bytes", r.entry.claim},
                         {"held_bytes", r.held},
                         {"footprint_bytes", r.footprint ? json(*r.footprint) : json(nullptr)},
                         {"priority", r.entry.priority}});
    }
    j["servers"] = {{"ledger", snap.ledger}, {"list", servers}};
  }
  if (snap.need) {
    const NeedCheck n = check_need(snap.pool, *snap.need);
    j["need"] = {{"bytes", n.need}, {"fits", n.fits}, {"short_by_bytes", n.short_by}};
  }
  return j;
}

volatile std::sig_atomic_t g_stop = 0;
void on_stop_signal(int) {
  g_stop = 1;
}

int run_status(const StatusOptions& o, const Globals& g, Clock& clock) {
  Console console;
  auto src = SystemMemorySource::open(g.fs_root(), o.cgroup);
  if (!src) return console.fail(src.error().message);

  std::optional<SizeSpec> need;
  if (!o.need.empty()) {
    auto spec = parse_size_spec(o.need, BareNumber::kReject);
    if (!spec) return console.fail(spec.error().message);
    need = *spec;
  }
  Duration interval{};
  if (o.watching) {
    auto d = parse_duration(o.watch);
    if (!d) return console.fail(d.error().message);
    if (*d < std::chrono::milliseconds(100) || *d == kForever) {
      return console.fail("--watch: the interval must be between 100ms and a day");
    }
    interval = *d;
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
  }
  std::unique_ptr<Nvml> nvml;
  if (!o.no_gpu) nvml = std::make_unique<Nvml>();

  for (;;) {
    Snapshot snap;
    if (Status st = (*src)->read(snap.sample); !st) return console.fail(st.error().message);
    snap.pool = pool_view(snap.sample);
    if (nvml) {
      snap.gpu = nvml->report();
    } else {
      snap.gpu.note = "not checked (--no-gpu)";
    }
    if (!o.files.empty()) {
      auto files = residency_of(o.files);
      if (!files) return console.fail(files.error().message);
      snap.files = std::move(*files);
    }
    if (need) snap.need = need->resolve(snap.pool.total);
    snap.ledger = pool_ledger_dir(pool_key((*src)->cgroup(), snap.sample));
    snap.servers = pool_servers(snap.ledger);

    if (o.json) {
      // One object per line, so `--watch --json` is a stream of NDJSON records.
      console.line(render_json(**src, snap).dump());
    } else {
      std::string text = render_text(**src, snap);
      if (o.watching && console.tty()) {
        std::time_t now = std::time(nullptr);
        std::array<char, 32> ts{};
        std::strftime(ts.data(), ts.size(), "%H:%M:%S", std::localtime(&now));
        text = fmt::format("\033[H\033[2Jheadroom status, every {} ({}; Ctrl-C to stop)\n\n{}",
                           format_duration(interval), ts.data(), text);
      } else if (o.watching) {
        text += '\n';
      }
      std::fwrite(text.data(), 1, text.size(), stdout);
      std::fflush(stdout);
    }
    if (!o.watching) {
      return snap.need && !check_need(snap.pool, *snap.need).fits ? 1 : 0;
    }
    // In steps of 50 ms, so that Ctrl-C ends the wait at once.
    const Instant until = clock.now() + interval;
    while (g_stop == 0 && clock.now() < until) {
      clock.sleep_until(clock.now() + std::chrono::milliseconds(50));
    }
    if (g_stop != 0) return 0;
  }
}

}  // namespace

Command add_status_command(CLI::App& parent, const Globals& globals) {
  auto o = std::make_shared<StatusOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "status", "Show what memory is really available: pool, cgroup, pressure, page cache, GPU.");
  cmd->add_option("--cgroup", o->cgroup,
                  "Memory cgroup that bounds the pool: 'self' (default: the cgroup headroom runs "
                  "in; no limit there means the whole system), a cgroup path such as /pool, or "
                  "its directory under /sys/fs/cgroup")
      ->type_name("SPEC");
  cmd->add_option("--need", o->need,
                  "Say whether SIZE fits in the pool now (70G = GiB, 70GB = 10^9 bytes, 60% of "
                  "the pool); exit 1 when it does not")
      ->type_name("SIZE")
      ->check(size_validator(true));
  cmd->add_option("--files", o->files,
                  "Files or directories (recursive) whose page-cache residency to show, as "
                  "vmtouch measures it")
      ->type_name("PATH")
      ->expected(1, -1);
  cmd->add_flag("--json", o->json,
                "One JSON object (stable field names, bytes as integers); with --watch, one per "
                "line");
  cmd->add_flag("--no-gpu", o->no_gpu, "Do not load NVML (default: load it when present)");
  cmd->add_option("--watch", o->watch,
                  "Redraw every INTERVAL (default 2s) until Ctrl-C; in place on a terminal")
      ->type_name("[INTERVAL]")
      ->expected(0, 1)
      ->check(duration_validator());
  cmd->callback([o, cmd] { o->watching = cmd->count("--watch") > 0; });
  return Command{cmd, [o, &globals] {
                   SteadyClock clock;
                   return run_status(*o, globals, clock);
                 }};
}

}  // namespace headroom
