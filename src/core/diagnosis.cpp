// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/diagnosis.h"

#include <fmt/format.h>
#include <string.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>

#include "core/size.h"

namespace headroom {
namespace {

bool is_instance_pid(const Evidence& e, int pid) {
  return pid > 0 && std::find(e.pids.begin(), e.pids.end(), pid) != e.pids.end();
}

// "exit 1", "SIGSEGV (core dumped)".
std::string status_text(int wait_status) {
  if (WIFEXITED(wait_status)) return fmt::format("exit {}", WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    return signal_name(WTERMSIG(wait_status)) + (WCOREDUMP(wait_status) ? " (core dumped)" : "");
  }
  return fmt::format("status {:#x}", wait_status);
}

int shell_status(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 1;
}

// "92.1 GiB in use, 1.2 GiB available 3 s before": the last sample taken before the death.
std::string memory_context(const Evidence& e) {
  const MemoryPoint* last = nullptr;
  for (const MemoryPoint& m : e.memory) {
    if (m.time <= e.died) last = &m;
  }
  if (last == nullptr) return {};
  const double ago = std::max(0.0, to_seconds(e.died - last->time));
  const uint64_t used = last->total > last->available ? last->total - last->available : 0;
  return fmt::format(
      "{} in use, {} available {} before", format_bytes(used), format_bytes(last->available),
      ago < 1.0 ? fmt::format("{:.0f} ms", ago * 1000) : fmt::format("{:.0f} s", ago));
}

std::string join_parts(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + ", " + b;
}

// Microseconds on the kernel clock between a record and the death (positive: before it).
double seconds_before_death(const Evidence& e, const KernelRecord& r) {
  if (e.kernel_usec_at_death < r.usec) return 0;
  return static_cast<double>(e.kernel_usec_at_death - r.usec) / 1e6;
}

Verdict make(Cause cause, int status, bool failure, std::string reason, std::string line) {
  return Verdict{cause, status, failure, std::move(reason), std::move(line)};
}

}  // namespace

std::string signal_name(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev != nullptr ? std::string("SIG") + abbrev : fmt::format("signal {}", sig);
}

namespace {

// docker run's own codes (docker run --help): the container never ran its command.
std::optional<Verdict> docker_exec_failure(const Evidence& e) {
  const int code = WEXITSTATUS(e.wait_status);
  if (code != 125 && code != 126 && code != 127) return std::nullopt;
  const char* why = code == 125   ? "the Docker engine refused to run it (see docker's message)"
                    : code == 126 ? "the container's command cannot be invoked"
                                  : "the container's command was not found";
  return make(Cause::kExecFailed, code, true, "exec_failed",
              fmt::format("failed to start: container {}: {} (docker run exited {})", e.container,
                          why, code));
}

// What headroom did itself: those deaths are explained already.
std::optional<Verdict> own_stop(const Evidence& e, int status, const std::string& how) {
  const std::string escalation =
      e.killed_after_timeout
          ? fmt::format("; SIGKILL after the {} stop timeout", format_duration(e.stop_timeout))
          : "";
  switch (e.stop) {
    case StopReason::kRequested:
    case StopReason::kRestartRequested:
      if (e.killed_after_timeout) {
        return make(Cause::kStopped, status, false, "stopped",
                    fmt::format("stopped: {} did not end it, SIGKILL after the {} stop timeout",
                                signal_name(e.stop_signal), format_duration(e.stop_timeout)));
      }
      return make(Cause::kStopped, status, false, "stopped",
                  fmt::format("stopped with {} ({})", signal_name(e.stop_signal), how));
    case StopReason::kWedged:
      return make(Cause::kWedged, status, true, "wedged",
                  fmt::format("restarting: wedged ({} health check{} failed in a row{}{})",
                              e.health_failures, e.health_failures == 1 ? "" : "s",
                              e.last_probe.empty() ? "" : "; last: " + e.last_probe, escalation));
    case StopReason::kStartupTimeout:
      return make(
          Cause::kStartupTimeout, status, true, "startup_timeout",
          fmt::format("restarting: not healthy within the {} startup timeout{}{}",
                      format_duration(e.startup_timeout),
                      e.last_probe.empty() ? "" : " (last: " + e.last_probe + ")", escalation));
    case StopReason::kProbeRejected:
      // The request is wrong for this server: a configuration error, like a bad flag (exit 2).
      return make(Cause::kProbeRejected, 2, true, "probe_rejected",
                  fmt::format("stopped: the server rejects the probe's request ({}): give "
                              "--health/--probe-post/--probe-body it accepts{}",
                              e.last_probe, escalation));
    case StopReason::kGuard:
      // Counted against the start limit like any failure: a server that keeps pushing the pool
      // under the guard is not restarted forever.
      return make(Cause::kGuard, status, true, "guard", e.guard + escalation);
    case StopReason::kNone:
      break;
  }
  return std::nullopt;
}

// The kernel's word, for this instance's PIDs.
struct KernelWord {
  std::optional<KernelEvent> oom;
  std::optional<KernelEvent> memcg_usage;  // the OOM report's usage/limit line before the kill
  std::string oom_memcg;
  const KernelRecord* gpu_oom = nullptr;
  KernelEvent xid;
};

KernelWord read_kernel(const Evidence& e) {
  KernelWord w;
  std::optional<KernelEvent> last_usage;
  for (const KernelRecord& r : e.kernel) {
    const KernelEvent k = classify_kernel_line(r.text);
    switch (k.kind) {
      case KernelEvent::Kind::kOomKilled:
        if (is_instance_pid(e, k.pid) && !w.oom) {
          w.oom = k;
          w.memcg_usage = last_usage;
        }
        break;
      case KernelEvent::Kind::kMemcgUsage:
        last_usage = k;
        break;
      case KernelEvent::Kind::kOomInfo:
        if (is_instance_pid(e, k.pid)) w.oom_memcg = k.memcg;
        break;
      case KernelEvent::Kind::kNvrmNoMemory:
        if (seconds_before_death(e, r) <= to_seconds(kGpuEvidenceWindow)) w.gpu_oom = &r;
        break;
      case KernelEvent::Kind::kNvrmXid:
        if (is_instance_pid(e, k.pid) ||
            (k.pid == 0 && seconds_before_death(e, r) <= to_seconds(kGpuEvidenceWindow))) {
          w.xid = k;
        }
        break;
      case KernelEvent::Kind::kOther:
        break;
    }
  }
  return w;
}

// An OOM kill: where (the cgroup, the whole machine), who (a worker), and the kernel's own numbers.
Verdict oom_verdict(const Evidence& e, const KernelWord& w, int status, const std::string& how,
                    bool sigkill) {
  const std::optional<KernelEvent>& oom = w.oom;
  std::string where;
  if (!w.oom_memcg.empty()) {
    where = "cgroup " + w.oom_memcg;
  } else if (oom && !oom->memcg_oom) {
    where = "the whole machine";
  } else {
    where = e.pool;
  }
  std::string who;
  if (oom && !e.pids.empty() && oom->pid != e.pids.front()) {
    who = fmt::format("worker {} ({}) ", oom->pid, oom->task);
  }
  // The kernel's own numbers where it printed them: the cgroup at its limit, and what the
  // process held (its RSS) -- a sample taken a moment before says far less.
  std::string numbers;
  if (w.memcg_usage && oom && oom->memcg_oom && w.memcg_usage->limit > 0) {
    numbers = fmt::format("{} used of its {} limit", format_bytes(w.memcg_usage->usage),
                          format_bytes(w.memcg_usage->limit));
  }
  uint64_t held = 0;
  if (oom && (oom->anon_rss | oom->file_rss | oom->shmem_rss) != 0) {
    held = oom->anon_rss + oom->file_rss + oom->shmem_rss;
    numbers =
        join_parts(numbers, fmt::format("{} held {} (anon {}, file {}, shmem {})",
                                        who.empty() ? "the server" : "it", format_bytes(held),
                                        format_bytes(oom->anon_rss), format_bytes(oom->file_rss),
                                        format_bytes(oom->shmem_rss)));
  }
  std::string line = fmt::format("died: {}killed by the kernel OOM killer ({})", who,
                                 join_parts(where, numbers.empty() ? memory_context(e) : numbers));
  if (!oom) {
    line += e.container_oom_killed ? fmt::format(" [Docker: container {} OOMKilled]", e.container)
                                   : " [from the cgroup's oom_kill counter]";
  }
  if (!sigkill) line += fmt::format("; then {}", how);
  Verdict v = make(Cause::kOomKiller, status, true, "oom", line);
  v.footprint = held != 0 ? held : w.memcg_usage ? w.memcg_usage->usage : 0;
  return v;
}

}  // namespace

Verdict diagnose(const Evidence& in) {
  Evidence e = in;
  if (!e.container.empty() && WIFEXITED(e.wait_status)) {
    if (auto v = docker_exec_failure(e)) return *v;
    // 128 + N: the container's process died of signal N; say it as a signal.
    const int code = WEXITSTATUS(e.wait_status);
    if (code > 128 && code < 128 + 65) e.wait_status = code - 128;
  }
  // 128 + N from a plain command: a shell or wrapper reporting that its child died of signal N
  // (dash does not exec the last command of `sh -c 'a; b'` or `sh -c 'cd d && b'`; bash, timeout
  // and env-style launchers report the same way). Read it as the signal, and say how it came.
  std::string reported;
  if (e.container.empty() && WIFEXITED(e.wait_status)) {
    const int code = WEXITSTATUS(e.wait_status);
    if (code > 128 && code < 128 + 65) {
      e.wait_status = code - 128;
      reported = fmt::format(" (reported as exit {} by the command's wrapper)", code);
    }
  }
  const int status = shell_status(e.wait_status);
  const std::string how = status_text(e.wait_status) + reported;
  const bool sigkill = WIFSIGNALED(e.wait_status) && WTERMSIG(e.wait_status) == SIGKILL;
  const bool clean_exit = WIFEXITED(e.wait_status) && WEXITSTATUS(e.wait_status) == 0;

  if (auto v = own_stop(e, status, how)) return *v;

  const KernelWord w = read_kernel(e);
  const bool counter_says_oom = e.oom_kills_delta && *e.oom_kills_delta > 0;
  if (w.oom || (sigkill && counter_says_oom) || e.container_oom_killed) {
    return oom_verdict(e, w, status, how, sigkill);
  }
  if (!clean_exit && w.gpu_oom != nullptr) {
    return make(Cause::kGpuOom, status, true, "gpu_oom",
                fmt::format("died: GPU allocation failed (NVRM: NV_ERR_NO_MEMORY {:.0f} s before; "
                            "{})",
                            seconds_before_death(e, *w.gpu_oom), how));
  }
  if (!clean_exit && w.xid.kind == KernelEvent::Kind::kNvrmXid) {
    const std::string_view meaning = xid_meaning(w.xid.xid);
    return make(Cause::kGpuXid, status, true, "gpu_xid",
                fmt::format("died: GPU error (NVRM Xid {}{}{}; {})", w.xid.xid,
                            meaning.empty() ? "" : ": ", meaning, how));
  }
  if (sigkill) {
    std::string line = "died: SIGKILL from outside" + reported;
    if (!e.kernel_readable) {
      line += " (no OOM record: the kernel log is not readable here; run as root to tell)";
    }
    return make(Cause::kKilledOutside, status, true, "killed", line);
  }
  if (WIFSIGNALED(e.wait_status)) {
    return make(Cause::kSignaled, status, true, "signal", "died: " + how);
  }
  if (clean_exit) return make(Cause::kExited, 0, false, "exit", "exited: exit 0");
  return make(Cause::kExited, status, true, "exit", "died: " + how);
}

Verdict exec_failure_verdict(const std::string& command, int err) {
  const int status = err == ENOENT ? 127 : 126;
  return make(Cause::kExecFailed, status, true, "exec_failed",
              fmt::format("failed to start: {}: {} (exit {})", command, ::strerror(err), status));
}

Verdict gate_timeout_verdict(uint64_t available, uint64_t target, Duration waited,
                             const std::string& pending) {
  std::string line = fmt::format("memory did not come back within {}: {} available",
                                 format_duration(waited), format_bytes(available));
  if (target > 0) line += fmt::format(", target {}", format_bytes(target));
  if (!pending.empty()) line += "; " + pending;
  return make(Cause::kGateTimeout, 1, true, "gate_timeout", line);
}

}  // namespace headroom
