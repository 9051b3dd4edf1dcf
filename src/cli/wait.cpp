// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `headroom wait`: block until memory is really back. Drop-in for the seed script
// `sglang-wait-memory.sh TARGET_GB MAX_WAIT_S`: `headroom wait 70 300`.
#include <fmt/format.h>

#include <algorithm>

#include "act/evict.h"
#include "act/pool_ledger.h"
#include "cli/common.h"
#include "cli/console.h"
#include "cli/gate_flags.h"
#include "core/duration.h"
#include "core/gate.h"
#include "core/size.h"
#include "core/text.h"
#include "core/wait_loop.h"
#include "probe/clock.h"
#include "probe/gone.h"
#include "probe/nvml.h"

namespace headroom {
namespace {

struct WaitOptions {
  std::string seed_target;   // positional: GiB, as the seed's `free -g`
  std::string seed_timeout;  // positional: seconds
  GateFlags gate;
  std::vector<std::string> gone;
  bool json = false;
  bool no_ledger = false;
};

// Prints one line per change of state (never one per poll) and, on a terminal, a live
// progress line.
class WaitPrinter : public WaitObserver {
 public:
  WaitPrinter(Console& console, const GateConfig& cfg, bool json)
      : console_(console), cfg_(cfg), json_(json) {}

  void on_sample(const Sample& s, const PoolView& pool, const GateVerdict& v,
                 std::string_view pending_what) override {
    const bool changed = !seen_ || v.state != last_state_ || v.blockers != last_blockers_;
    seen_ = true;
    last_state_ = v.state;
    last_blockers_ = v.blockers;
    if (changed && v.state != GateState::kOpen && v.state != GateState::kTimedOut) {
      log(describe(s, pool, v, pending_what));
    }
    if (v.state == GateState::kWaiting || v.state == GateState::kSettling) {
      console_.progress(progress_line(pool, v));
    }
  }

  void on_notice(std::string_view text) override { console_.warn(std::string(text)); }

  void log(const std::string& text) {
    if (json_) {
      console_.note(text);
    } else {
      console_.line(text);
    }
  }

  std::string describe(const Sample& s, const PoolView& pool, const GateVerdict& v,
                       std::string_view pending_what) const {
    if (v.state == GateState::kSettling) {
      return fmt::format("conditions met ({} available); settling for {}",
                         format_bytes(pool.available), format_duration(cfg_.settle));
    }
    std::string out = "waiting: ";
    bool first = true;
    auto sep = [&] {
      if (!first) out += "; ";
      first = false;
    };
    if (v.blockers & kBlockMemory) {
      sep();
      // What the gate counts: the pool's available memory less what loading servers on it
      // still have to take (the pool ledger), with whom it names.
      out += fmt::format("{} available, target {} (short by {})", format_bytes(v.available),
                         format_bytes(v.target), format_bytes(v.shortfall));
      if (v.available < pool.available && !(v.blockers & kBlockGone) && !pending_what.empty()) {
        out += fmt::format("; {} of the pool's {} is claimed: {}",
                           format_bytes(pool.available - v.available), format_bytes(pool.available),
                           pending_what);
      }
    }
    if (v.blockers & kBlockPressure) {
      sep();
      out += fmt::format("memory pressure {:.2f}% > {:g}% (PSI some avg10)", s.psi.some.avg10,
                         *cfg_.max_pressure);
    }
    if (v.blockers & kBlockGone) {
      sep();
      out += std::string(pending_what);
    }
    return out;
  }

  std::string progress_line(const PoolView& pool, const GateVerdict& v) const {
    constexpr int kWidth = 24;
    std::string bar;
    if (v.target > 0) {
      const double frac =
          std::min(1.0, static_cast<double>(pool.available) / static_cast<double>(v.target));
      const int filled = static_cast<int>(frac * kWidth);
      bar = fmt::format(" [{}{}]", std::string(static_cast<size_t>(filled), '#'),
                        std::string(static_cast<size_t>(kWidth - filled), '.'));
    }
    return fmt::format("{} {} / {}{} {}", v.state == GateState::kSettling ? "settling" : "waiting",
                       format_bytes(pool.available),
                       v.target > 0 ? format_bytes(v.target) : std::string("-"), bar,
                       format_duration(v.elapsed));
  }

 private:
  Console& console_;
  const GateConfig& cfg_;
  bool json_;
  bool seen_ = false;
  GateState last_state_ = GateState::kWaiting;
  unsigned last_blockers_ = 0;
};

// --drop-caches and --evict before the wait: what was evicted, in bytes.
Result<uint64_t> give_back_cache(const GateFlags& f, const Root& root, Console& console) {
  if (f.drop_caches) {
    if (Status st = drop_caches(root); !st) return st.error();
    console.note("dropped the page cache (sync; echo 3 > /proc/sys/vm/drop_caches)");
  }
  if (f.evict.empty()) return uint64_t{0};
  auto ev = evict_files(f.evict);
  if (!ev) return ev.error();
  uint64_t before = 0, after = 0;
  for (const EvictResult& r : *ev) {
    before += r.before;
    after += r.after;
  }
  const uint64_t evicted = before > after ? before - after : 0;
  console.note(fmt::format("evicted {} file(s) from the page cache: {} released, {} still cached",
                           ev->size(), format_bytes(evicted), format_bytes(after)));
  return evicted;
}

// `wait --json`: the verdict, the pool as `status --json` has it, what was evicted.
nlohmann::ordered_json wait_json(const WaitOutcome& outcome, bool has_target,
                                 const SystemMemorySource& src, Clock& clock, uint64_t evicted) {
  const GateVerdict& v = outcome.verdict;
  nlohmann::ordered_json j;
  j["version"] = kJsonVersion;
  j["result"] = v.state == GateState::kOpen ? "open" : "timeout";
  j["elapsed_s"] = to_seconds(v.elapsed);
  // CLOCK_MONOTONIC when the gate decided, to line it up with other tools' timestamps (as
  // run's events carry it).
  j["monotonic_s"] = to_seconds(clock.now().time_since_epoch());
  j["available_bytes"] = v.available;
  j["target_bytes"] =
      has_target ? nlohmann::ordered_json(v.target) : nlohmann::ordered_json(nullptr);
  j["short_by_bytes"] = v.shortfall;
  j["total_bytes"] = outcome.pool.total;
  nlohmann::ordered_json blockers = nlohmann::ordered_json::array();
  if (v.blockers & kBlockMemory) blockers.push_back("memory");
  if (v.blockers & kBlockPressure) blockers.push_back("pressure");
  if (v.blockers & kBlockGone) blockers.push_back("gone");
  j["blockers"] = blockers;
  j["pending"] = outcome.pending_what;
  j["samples"] = outcome.samples;
  j["pool"] = pool_json(src, outcome.last, outcome.pool);  // as status --json has it
  j["evicted_bytes"] = evicted;
  return j;
}

int run_wait(const WaitOptions& o, const Globals& g) {
  Console console;
  auto settings = gate_settings(o.gate, o.seed_target, o.seed_timeout);
  if (!settings) return console.fail(settings.error().message);
  const GateConfig* cfg = &settings->config;
  if (!cfg->target && o.gone.empty() && !cfg->max_pressure) {
    return console.fail(
        "nothing to wait for: give a target (--free 70G, or `headroom wait 70 300`), --gone PID, "
        "or --max-pressure");
  }
  std::vector<GoneSpec> gone_specs;
  for (const std::string& s : o.gone) {
    auto spec = parse_gone_spec(s);
    if (!spec) return console.fail(spec.error().message);
    gone_specs.push_back(*spec);
  }

  const Root root = g.fs_root();
  auto src = SystemMemorySource::open(root, o.gate.cgroup);
  if (!src) return console.fail(src.error().message);
  if (cfg->max_pressure && (*src)->psi_source().rfind("not available", 0) == 0) {
    console.warn(fmt::format("--max-pressure is ignored: PSI is {}", (*src)->psi_source()));
  }

  // Page cache first (FIELD.md section 1): it never goes back by itself on these machines.
  auto evicted = give_back_cache(o.gate, root, console);
  if (!evicted) return console.fail(evicted.error().message);

  std::unique_ptr<Nvml> nvml;
  std::unique_ptr<ProcessGoneWatch> gone;
  if (!gone_specs.empty()) {
    if (!o.gate.no_gpu) nvml = std::make_unique<Nvml>();
    auto w =
        ProcessGoneWatch::open(root, gone_specs, nvml && nvml->loaded() ? nvml.get() : nullptr);
    if (!w) return console.fail(w.error().message);
    gone = std::move(*w);
  }

  SteadyClock clock;
  Gate gate(*cfg, clock.now());
  WaitPrinter printer(console, gate.config(), o.json);
  std::unique_ptr<LedgerReader> ledger;
  {
    Sample first;
    if (Status st = (*src)->read(first); !st) return console.fail(st.error().message);
    const PoolView pool = pool_view(first);
    // The pool's ledger: what `headroom run`s still loading here will take is not free.
    if (!o.no_ledger && cfg->target) {
      ledger = std::make_unique<LedgerReader>(pool_ledger_dir(pool_key((*src)->cgroup(), first)),
                                              "wait-" + std::to_string(::getpid()));
    }
    printer.log(fmt::format(
        "pool: {}; target {}, settle {}, timeout {}", pool_label(**src, pool),
        cfg->target ? format_bytes(cfg->target->resolve(pool.total)) : std::string("none"),
        format_duration(cfg->settle), format_duration(cfg->timeout)));
    if (gone) {
      for (const std::string& a : gone->absent())
        printer.log("--gone: " + a + ": nothing to wait for there");
    }
  }
  auto outcome =
      run_gate(gate, **src, gone.get(), clock, settings->interval, printer, ledger.get());
  console.end_progress();
  if (!outcome) return console.fail(outcome.error().message);
  if (!outcome->impossible.empty()) {
    return console.fail(
        fmt::format("--free: {} ({})", outcome->impossible, pool_label(**src, outcome->pool)));
  }

  const GateVerdict& v = outcome->verdict;
  const bool open = v.state == GateState::kOpen;
  if (o.json) {
    console.line(wait_json(*outcome, cfg->target.has_value(), **src, clock, *evicted).dump());
    return open ? 0 : 1;
  }
  if (open) {
    console.line(fmt::format("Memory available: {} (target {}) after {}", format_bytes(v.available),
                             cfg->target ? format_bytes(v.target) : std::string("none"),
                             format_duration(v.elapsed)));
    return 0;
  }
  std::string msg = fmt::format("Timeout waiting for memory after {}: {} available",
                                format_duration(v.elapsed), format_bytes(v.available));
  if (cfg->target) {
    msg += fmt::format(", target {}", format_bytes(v.target));
    if (v.shortfall > 0) msg += fmt::format(", short by {}", format_bytes(v.shortfall));
  }
  if (v.blockers & kBlockGone) msg += "; " + outcome->pending_what;
  if (v.blockers & kBlockPressure) msg += "; memory pressure above --max-pressure";
  if (v.blockers == kBlockNone) msg += "; conditions met but not yet for the settle window";
  console.line(msg);
  return 1;
}

}  // namespace

Command add_wait_command(CLI::App& parent, const Globals& globals) {
  auto o = std::make_shared<WaitOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "wait",
      "Block until memory is really back: the pool's available memory reaches the target and "
      "stays there for the settle window, the previous instance is gone, pressure is low. "
      "Exit 0 when open, 1 on timeout, 2 on bad input.");
  cmd->add_option(
      "TARGET_GIB", o->seed_target,
      "The wait script's form: target in GiB (as `free -g`), e.g. `headroom wait 70 300`");
  cmd->add_option("TIMEOUT_S", o->seed_timeout, "The wait script's form: timeout in seconds")
      ->type_name("SECONDS")
      ->check(duration_validator());
  add_gate_flags(cmd, o->gate);
  cmd->add_option("--gone", o->gone,
                  "PID or cgroup:PATH that must be gone first (exited / empty) and, where NVML "
                  "answers, out of the GPU process list; repeatable")
      ->type_name("PID|cgroup:PATH")
      ->expected(1, -1);
  cmd->add_flag("--json", o->json, "Print one JSON result object on stdout; logs go to stderr");
  cmd->add_flag("--no-ledger", o->no_ledger,
                "Do not read the pool's ledger (runtime_dir/pools/): by default what `headroom "
                "run`s still loading on this pool have claimed is not counted as free");
  return Command{cmd, [o, &globals] { return run_wait(*o, globals); }};
}

}  // namespace headroom
