// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "act/run_host.h"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "act/evict.h"
#include "core/diagnosis.h"
#include "core/size.h"
#include "probe/gone.h"
#include "probe/processes.h"

namespace headroom {
namespace {

// How often the process tree is scanned for the server's workers while it runs, so a worker the
// OOM killer names can be recognised as the server's. A scan reads every /proc/PID/stat.
constexpr auto kScanEvery = std::chrono::seconds(15);
// How often what the server holds is measured (a scan of /proc: about a millisecond).
constexpr auto kMeasureEvery = std::chrono::seconds(1);
// While waiting for memory or loading, systemd's start timeout is pushed out this far, every
// kExtendEvery: a start that makes progress is not killed at TimeoutStartSec=.
constexpr auto kExtendBy = std::chrono::seconds(30);
constexpr auto kExtendEvery = std::chrono::seconds(10);

sigset_t handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGTERM, SIGINT, SIGHUP, SIGCHLD})
    sigaddset(&set, s);
  return set;
}

int ms_until(Instant now, Instant t) {
  if (t <= now) return 0;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - now).count() + 1;
  return ms > 60'000 ? 60'000 : static_cast<int>(ms);
}

}  // namespace

Result<std::unique_ptr<RunHost>> RunHost::open(RunHostOptions o,
                                               std::unique_ptr<DockerApi> docker) {
  std::unique_ptr<RunHost> h(new RunHost(std::move(o)));
  RunHostOptions& opt = h->o_;
  if (opt.argv.empty())
    return make_error("no command given: headroom run [OPTIONS] -- CMD ARGS...");

  auto mem = SystemMemorySource::open(opt.root, opt.cgroup);
  if (!mem) return mem.error();
  h->mem_ = std::move(*mem);
  if (opt.health) {
    auto t = resolve_probe(*opt.health, "GET", "");
    if (!t) return t.error();
    h->health_ = *t;
  }
  if (opt.probe_post) {
    auto t = resolve_probe(*opt.probe_post, "POST", opt.probe_body);
    if (!t) return t.error();
    h->post_ = *t;
  }
  h->stats_.set_gate_target(opt.gate_target);
  if (!opt.version.empty()) h->stats_.set_version(opt.version);
  if (opt.metrics) {
    RunHost* self = h.get();
    if (Status st = h->metrics_.listen(
            *opt.metrics,
            [self] {
              Sample s;
              std::optional<PoolView> pool;
              if (self->mem_->read(s)) pool = pool_view(s);
              return self->stats_.render(pool);
            },
            [self] {
              return MetricsServer::Readiness{self->phase_ == Phase::kServing, self->status_};
            });
        !st) {
      return st.error();
    }
  }
  if (!opt.container.empty()) {
    if (!docker) {
      auto d = DockerClient::open();
      if (!d) return d.error();
      docker = std::move(*d);
    }
    if (Status st = docker->ping(); !st) return st.error();
    h->docker_ = std::move(docker);
  }
  h->kmsg_ = std::make_unique<KmsgReader>(opt.root);
  if (opt.use_gpu) {
    h->nvml_ = std::make_unique<Nvml>();
    if (!h->nvml_->loaded()) h->nvml_.reset();
  }
  // Unified memory: NVML answers "Not Supported" for a device's memory where it is the system's
  // (GB10, Grace Hopper's coherent mode); a Jetson says so in its device tree.
  if (h->nvml_) {
    for (const GpuDevice& d : h->nvml_->report().devices) {
      if (!d.memory_supported && d.memory_note.starts_with("Not Supported (unified")) {
        h->unified_ = fmt::format("NVML: {}'s memory is the system's", d.name);
        break;
      }
    }
  }
  if (h->unified_.empty()) {
    if (auto dt = read_file(opt.root.path("/proc/device-tree/compatible"));
        dt && dt->find("nvidia,tegra") != std::string::npos) {
      h->unified_ = "a Jetson (device tree: nvidia,tegra)";
    }
  }
  // The guardian is forked before any signal is blocked; then headroom takes its signals
  // through a signalfd, and children get them unblocked again (ProcessTree::spawn).
  auto tree = ProcessTree::create(Root());
  if (!tree) return tree.error();
  h->tree_.emplace(std::move(*tree));
  const sigset_t set = handled_signals();
  if (::sigprocmask(SIG_BLOCK, &set, nullptr) != 0) {
    return Error{std::string("sigprocmask: ") + std::strerror(errno), errno};
  }
  h->signal_fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (h->signal_fd_ < 0) return Error{std::string("signalfd: ") + std::strerror(errno), errno};
  const Instant now = h->now();
  h->next_watchdog_ = now;
  h->next_extend_ = now;
  return h;
}

RunHost::~RunHost() {
  if (signal_fd_ >= 0) ::close(signal_fd_);
}

Instant RunHost::now() {
  return std::chrono::steady_clock::now();
}

void RunHost::handle_signals() {
  signalfd_siginfo info{};
  while (::read(signal_fd_, &info, sizeof info) == sizeof info) {
    const int sig = static_cast<int>(info.ssi_signo);
    if (sig == SIGCHLD) {
      reap();
      continue;
    }
    if (sig == SIGTERM || sig == SIGINT) notify_.send("STOPPING=1");
    HostEvent ev;
    ev.kind = HostEvent::Kind::kSignal;
    ev.signal = sig;
    queue_.push_back(ev);
  }
}

void RunHost::reap() {
  const std::optional<int> status = tree_->reap(main_);
  if (status && main_alive_) {
    main_alive_ = false;
    HostEvent ev;
    ev.kind = HostEvent::Kind::kChildExited;
    ev.wait_status = *status;
    queue_.push_back(ev);
  }
}

void RunHost::probe_step_done() {
  if (probe_.ok() && probe_step_ == 0 && post_) {
    probe_step_ = 1;  // /health answered: now the generation probe
    probe_.start(*post_, now() + o_.health_timeout);
    if (!probe_.done()) return;
  }
  probe_running_ = false;
  HostEvent ev;
  ev.kind = HostEvent::Kind::kProbe;
  ev.probe.ok = probe_.ok();
  ev.probe.probe = probe_step_ == 1 ? "generate" : "health";
  ev.probe.result = probe_.result();
  ev.probe.http_status = probe_.http_status();
  ev.probe.detail = probe_.detail();
  if (ev.probe.result == "refused") ev.probe.detail = "connection refused";
  stats_.on_probe(ev.probe);
  queue_.push_back(ev);
}

HostEvent RunHost::wait(Instant deadline) {
  std::vector<pollfd> fds;
  for (;;) {
    const Instant t = now();
    if (notify_.enabled()) {
      if (notify_.watchdog_every().count() > 0 && t >= next_watchdog_) {
        notify_.send("WATCHDOG=1");
        next_watchdog_ = t + notify_.watchdog_every();
      }
      const bool starting =
          !ready_sent_ && (phase_ == Phase::kWaiting || phase_ == Phase::kStarting);
      if (starting && t >= next_extend_) {
        notify_.send(
            fmt::format("EXTEND_TIMEOUT_USEC={}",
                        std::chrono::duration_cast<std::chrono::microseconds>(kExtendBy).count()));
        next_extend_ = t + kExtendEvery;
      }
    }
    if (probe_running_) {
      probe_.check_deadline(t, o_.health_timeout);
      if (probe_.done()) probe_step_done();
    }
    const bool measuring = main_alive_ && (phase_ == Phase::kStarting || phase_ == Phase::kServing);
    if (measuring && t >= next_measure_) {
      next_measure_ = t + kMeasureEvery;
      const uint64_t held = measure_held();
      held_ = held;
      stats_.set_held(held);
      if (on_held) on_held(held);
    }
    if (!queue_.empty()) {
      HostEvent ev = queue_.front();
      queue_.pop_front();
      return ev;
    }
    if (t >= deadline) return HostEvent{};

    Instant wake = deadline;
    if (notify_.enabled() && notify_.watchdog_every().count() > 0)
      wake = std::min(wake, next_watchdog_);
    if (notify_.enabled() && !ready_sent_) wake = std::min(wake, next_extend_);
    if (probe_running_) wake = std::min(wake, t + o_.health_timeout);
    if (measuring) wake = std::min(wake, next_measure_);

    fds.clear();
    fds.push_back(pollfd{signal_fd_, POLLIN, 0});
    if (probe_running_ && probe_.active()) fds.push_back(pollfd{probe_.fd(), probe_.events(), 0});
    const size_t metrics_from = fds.size();
    metrics_.add_polls(fds);
    if (fds.size() > metrics_from) wake = std::min(wake, t + std::chrono::seconds(1));

    const int n = ::poll(fds.data(), fds.size(), ms_until(t, wake));
    if (n < 0 && errno != EINTR) return HostEvent{};
    if (n <= 0) continue;
    if (fds[0].revents != 0) handle_signals();
    if (probe_running_ && probe_.active() && fds.size() > 1 && fds[1].fd == probe_.fd() &&
        fds[1].revents != 0) {
      probe_.on_ready();
      if (probe_.done()) probe_step_done();
    }
    if (fds.size() > metrics_from) {
      metrics_.handle(std::vector<pollfd>(fds.begin() + static_cast<long>(metrics_from), fds.end()),
                      now());
    }
  }
}

void RunHost::remember_pids(const std::vector<int>& pids) {
  for (int p : pids) {
    const auto pid = static_cast<uint32_t>(p);
    if (p > 0 && seen_pids_.size() < 4096 &&
        std::find(seen_pids_.begin(), seen_pids_.end(), pid) == seen_pids_.end()) {
      seen_pids_.push_back(pid);
    }
  }
}

void RunHost::remember_descendants() {
  last_scan_ = now();
  if (docker_) {
    // The container's processes are the engine's children, not headroom's.
    if (auto pids = docker_->pids(o_.container); pids) remember_pids(*pids);
    return;
  }
  auto table = scan_processes(Root());
  if (!table) return;
  std::vector<int> pids;
  for (const ProcStat& p : descendants_of(*table, ::getpid()))
    pids.push_back(p.pid);
  remember_pids(pids);
}

Status RunHost::sample(Sample& out) {
  if (main_alive_ && docker_ && !container_pid_known_) {
    // The container's first process, as soon as it runs: the kernel's OOM lines name host PIDs.
    if (auto f = docker_->inspect(o_.container); f && f->exists && f->state.pid > 0) {
      remember_pids({f->state.pid});
      container_pid_known_ = true;
      container_pid_ = f->state.pid;
    }
  }
  if (main_alive_ && now() - last_scan_ >= kScanEvery) remember_descendants();
  Status st = mem_->read(out);
  if (std::string notice = mem_->take_notice(); !notice.empty() && on_note) on_note(notice);
  return st;
}

Result<Pending> RunHost::container_pending() {
  auto f = docker_->inspect(o_.container);
  if (!f) {
    // The engine is not answering (restarting?): keep waiting, bounded by the gate's timeout.
    return Pending{1, f.error().message};
  }
  if (!f->exists) return Pending{};
  const std::string& st = f->state.status;
  if (f->state.running || st == "removing" || st == "restarting" || st == "paused") {
    return Pending{1, fmt::format("container {} is still {}", o_.container, st)};
  }
  return Pending{};
}

Result<Pending> RunHost::live_processes() {
  reap();
  if (main_alive_) return Pending{1, fmt::format("process {} is still running", main_)};
  if (docker_) {
    auto c = container_pending();
    if (!c || c->count > 0) return c;
  }
  // No child left at all means no descendant either: orphans are reparented to headroom.
  int st = 0;
  if (::waitpid(-1, &st, WNOHANG) < 0 && errno == ECHILD) return Pending{};
  auto table = scan_processes(Root());
  if (!table) return table.error();
  const auto live = descendants_of(*table, ::getpid());
  if (live.empty()) return Pending{};
  for (const ProcStat& p : live) {
    const auto pid = static_cast<uint32_t>(p.pid);
    if (std::find(seen_pids_.begin(), seen_pids_.end(), pid) == seen_pids_.end()) {
      seen_pids_.push_back(pid);
    }
  }
  return Pending{
      static_cast<int>(live.size()),
      fmt::format("{} process{} of the previous instance still running ({} {})", live.size(),
                  live.size() == 1 ? "" : "es", live.front().pid, live.front().comm)};
}

Result<Pending> RunHost::pending() {
  auto live = live_processes();
  if (!live || live->count > 0) return live;
  // The processes are gone; the GPU driver may still list them while it tears them down.
  if (nvml_ && !seen_pids_.empty()) return gpu_holders(*nvml_, seen_pids_, gpu_scratch_);
  return Pending{};
}

Result<pid_t> RunHost::spawn() {
  started_unix_ = static_cast<int64_t>(std::time(nullptr));
  container_pid_known_ = false;
  auto pid = tree_->spawn(o_.argv);
  if (!pid) return pid.error();
  main_ = *pid;
  main_alive_ = true;
  seen_pids_.assign(1, static_cast<uint32_t>(*pid));
  last_scan_ = now() - kScanEvery + std::chrono::seconds(1);  // first look at the workers after 1 s
  return pid;
}

void RunHost::signal_group(int sig) {
  if (docker_) {
    // Through the engine: the container's processes are not in headroom's tree.
    if (Status st = docker_->kill(o_.container, signal_name(sig)); !st && on_note) {
      if (st.error().message.find("is not running") == std::string::npos) {
        on_note(st.error().message);
      }
    }
    return;
  }
  tree_->signal_group(sig);
}

void RunHost::kill_all() {
  // The container may be gone already ("is not running"); the local kill below and the gone
  // check after it are what decide, so the engine's answer changes nothing here.
  if (docker_) (void)docker_->kill(o_.container, "SIGKILL");
  tree_->kill_all();
}

void RunHost::start_probe() {
  if (!health_) return;
  probe_step_ = 0;
  probe_running_ = true;
  probe_.start(*health_, now() + o_.health_timeout);
  if (probe_.done()) probe_step_done();
}

void RunHost::collect(Evidence& e) {
  kmsg_->read_new(e.kernel);
  e.kernel_readable = kmsg_->readable();
  const auto since_death =
      std::chrono::duration_cast<std::chrono::microseconds>(now() - e.died).count();
  const uint64_t k = kernel_clock_usec();
  e.kernel_usec_at_death =
      k > static_cast<uint64_t>(since_death) ? k - static_cast<uint64_t>(since_death) : 0;
  for (uint32_t pid : seen_pids_) {
    const int p = static_cast<int>(pid);
    if (std::find(e.pids.begin(), e.pids.end(), p) == e.pids.end()) e.pids.push_back(p);
  }
  if (docker_) {
    e.container = o_.container;
    // Docker's own view survives --rm in its events; State.OOMKilled while the container exists.
    const auto until = static_cast<int64_t>(std::time(nullptr)) + 1;
    if (auto evs = docker_->events(o_.container, started_unix_ - 1, until); evs) {
      for (const DockerEvent& ev : *evs)
        e.container_oom_killed |= ev.action == "oom";
    }
    if (auto f = docker_->inspect(o_.container); f && f->exists) {
      e.container_oom_killed |= f->state.oom_killed;
    }
  }
  Sample s;
  if (mem_->read(s)) {
    if (oom_known_ && s.cgroup.has_oom_kills)
      e.oom_kills_delta = s.cgroup.oom_kills - oom_baseline_;
    const PoolView p = pool_view(s);
    e.pool = p.limited_by_cgroup ? "cgroup " + mem_->cgroup().name : "system";
  }
}

uint64_t RunHost::measure_held() {
  const Root root;
  uint64_t held = 0;
  if (docker_) {
    // The container's processes are not headroom's descendants: its first process and its tree.
    if (container_pid_ > 0) {
      held = process_resident(root, container_pid_) + descendants_resident(root, container_pid_);
    }
  } else {
    held = descendants_resident(root, static_cast<int>(::getpid()));
  }
  // GPU memory of the server's processes, where NVML reports it per process: the driver's
  // allocations are not in a process's resident set.
  if (nvml_ && !seen_pids_.empty() && nvml_->compute_processes(gpu_scratch_).ok()) {
    for (const GpuProcess& g : gpu_scratch_) {
      if (g.used_known &&
          std::find(seen_pids_.begin(), seen_pids_.end(), g.pid) != seen_pids_.end()) {
        held += g.used_bytes;
      }
    }
  }
  return held;
}

void RunHost::mark_start() {
  kmsg_->skip_to_end();
  Sample s;
  oom_known_ = mem_->read(s).ok() && s.cgroup.has_oom_kills;
  oom_baseline_ = s.cgroup.oom_kills;
}

void RunHost::prepare() {
  if (docker_) {
    // A container of the same name left from before would make `docker run` fail ("Conflict.
    // The container name ... is already in use", FIELD.md 3) and may hold memory: stop it and
    // remove it before the gate, so the gate waits for what it held.
    auto f = docker_->inspect(o_.container);
    if (f && f->exists) {
      if (on_note) {
        on_note(
            fmt::format("removing a stale container named {} ({})", o_.container, f->state.status));
      }
      const auto secs = std::chrono::duration_cast<std::chrono::seconds>(o_.stop_timeout).count();
      // A failed stop is not the end: the forced remove below kills it, and says so if it fails.
      if (f->state.running) (void)docker_->stop(o_.container, static_cast<int>(secs));
      if (Status st = docker_->remove(o_.container, true); !st && on_note) {
        on_note(st.error().message);
      }
    }
  }
  if (o_.drop_caches) {
    if (Status st = drop_caches(o_.root); !st) {
      if (on_note) on_note("cannot drop caches: " + st.error().message);
    } else if (on_note) {
      on_note("dropped the page cache (sync; echo 3 > /proc/sys/vm/drop_caches)");
    }
  }
  if (!o_.evict.empty() && !o_.evict_when_ready) evict_now("before the start");
}

void RunHost::evict_now(const char* when) {
  auto ev = evict_files(o_.evict);
  if (!ev) {
    if (on_note) on_note("cannot evict: " + ev.error().message);
    return;
  }
  uint64_t before = 0, after = 0;
  for (const EvictResult& r : *ev) {
    before += r.before;
    after += r.after;
  }
  if (!on_note) return;
  on_note(fmt::format("evicted {} file(s) from the page cache {}: {} released{}", ev->size(), when,
                      format_bytes(before > after ? before - after : 0),
                      after > 0 ? fmt::format(", {} stayed", format_bytes(after)) : ""));
  // What stayed is mapped by someone: a mapped page is resident whatever DONTNEED says.
  int told = 0;
  for (const EvictResult& r : *ev) {
    if (r.after == 0 || told == 3) continue;
    const std::vector<Mapper> who = processes_mapping(Root(), r.path);
    std::string names;
    for (size_t i = 0; i < who.size() && i < 3; ++i)
      names += fmt::format("{}pid {} ({})", i == 0 ? "" : ", ", who[i].pid, who[i].comm);
    if (who.size() > 3) names += fmt::format(" and {} more", who.size() - 3);
    on_note(fmt::format(
        "{} of {} stays cached: {}", format_bytes(r.after), r.path,
        who.empty() ? std::string("no process maps it (written recently, or busy)")
                    : fmt::format("mapped by {}{}", names,
                                  o_.evict_when_ready
                                      ? " (the weights it keeps on the CPU stay mapped)"
                                      : "; a server that maps its weights releases them once "
                                        "loaded: --evict-when ready")));
    ++told;
  }
}

void RunHost::phase(Phase p, const std::string& status) {
  phase_ = p;
  status_ = status;
  stats_.on_phase(p);
  notify_.status(status);
  if (on_phase) on_phase(p, status);
}

void RunHost::event(const RunEvent& e) {
  stats_.on_event(e);
  if (e.kind == RunEvent::Kind::kReady && !ready_sent_) {
    notify_.send("READY=1");
    ready_sent_ = true;
  }
  if (on_event) on_event(e);
  if (e.kind == RunEvent::Kind::kReady && o_.evict_when_ready && !o_.evict.empty()) {
    evict_now("now that the server is ready");
  }
}

}  // namespace headroom
