// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The real SupervisorHost: one thread, one poll() loop over a signalfd (SIGTERM, SIGINT, SIGHUP,
// SIGCHLD), the health probe's socket and the metrics endpoint's sockets. Processes through
// ProcessTree, memory through SystemMemorySource, evidence from /dev/kmsg and the pool cgroup,
// GPU PIDs through NVML, systemd through sd_notify.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "act/docker.h"
#include "act/http_probe.h"
#include "act/metrics_server.h"
#include "act/notify.h"
#include "act/process.h"
#include "core/defaults.h"
#include "core/metrics.h"
#include "core/supervisor.h"
#include "probe/kmsg.h"
#include "probe/memory_source.h"
#include "probe/nvml.h"

namespace headroom {

struct RunHostOptions {
  std::vector<std::string> argv;
  Root root;
  std::string cgroup = "self";
  std::vector<std::string> evict;  // before every start, or once it is ready (below)
  // --evict-when ready: evict once the server is healthy, not before it starts. For servers that
  // map their weights (llama.cpp, Ollama): evicting before a start only forces a cold read, and
  // once loaded with a full offload the mapping is gone and the pages can go.
  bool evict_when_ready = false;
  bool drop_caches = false;  // before every start (root)
  std::optional<HttpUrl> health;
  std::optional<HttpUrl> probe_post;
  std::string probe_body;
  Duration health_timeout = defaults::kHealthTimeout.value;
  std::optional<ListenAddress> metrics;
  bool use_gpu = true;
  // Docker mode: argv is a `docker run` line and this is its container's name. Stops, kills and
  // "gone" go through the engine; a stale container of that name is removed before each gate.
  std::string container;
  Duration stop_timeout = defaults::kStopTimeout.value;
  // For the metrics: the gate's target and the version headroom reports in headroom_build_info.
  std::optional<SizeSpec> gate_target;
  std::string version;
};

class RunHost : public SupervisorHost {
 public:
  // Everything is opened here, so a bad cgroup, an unreachable metrics address or an
  // unresolvable health host fail before anything starts. In Docker mode `docker` is the engine
  // to speak to (the tests' fake); when null, the socket DOCKER_HOST names. Either is pinged.
  static Result<std::unique_ptr<RunHost>> open(RunHostOptions options,
                                               std::unique_ptr<DockerApi> docker = nullptr);
  ~RunHost() override;

  // Where events and phase changes are reported for the console and the event file.
  std::function<void(const RunEvent&)> on_event;
  std::function<void(Phase, const std::string&)> on_phase;
  std::function<void(const std::string&)> on_note;  // eviction results and the like
  // What the server holds now (its process tree's resident memory, the container's processes in
  // Docker mode, plus its GPU processes' memory where NVML answers), measured every second while
  // it starts and serves.
  std::function<void(uint64_t)> on_held;

  const SystemMemorySource& memory() const { return *mem_; }
  uint16_t metrics_port() const { return metrics_.port(); }
  // What of the process tree's tracking is unavailable here (ProcessTree::warning()), or "".
  const std::string& tree_warning() const { return tree_->warning(); }

  Instant now() override;
  HostEvent wait(Instant deadline) override;
  Status sample(Sample& out) override;
  Result<Pending> pending() override;
  Result<Pending> live_processes() override;
  Result<pid_t> spawn() override;
  void signal_group(int sig) override;
  void kill_all() override;
  void start_probe() override;
  void collect(Evidence& e) override;
  void mark_start() override;
  void prepare() override;
  void phase(Phase p, const std::string& status) override;
  PoolShare* pool_share() override { return pool_share_; }
  // The pool's ledger seat (cli/run owns it), or null.
  void set_pool_share(PoolShare* s) { pool_share_ = s; }
  // Why this machine's GPU shares the system's memory ("NVML: NVIDIA GB10's memory is the
  // system's"), or "" when it does not or cannot be told.
  const std::string& unified_memory() const { return unified_; }
  uint64_t held() override { return held_; }
  // The claim it holds in the ledger, for the metrics.
  void set_claim(uint64_t bytes) { stats_.set_claim(bytes); }
  void event(const RunEvent& e) override;

 private:
  explicit RunHost(RunHostOptions o) : o_(std::move(o)) {}
  void handle_signals();
  // Reaps exited children; the main process's exit becomes a kChildExited event.
  void reap();
  void probe_step_done();
  void remember_descendants();
  void remember_pids(const std::vector<int>& pids);
  // Docker mode: how much of the container is still there (0 when gone or exited).
  Result<Pending> container_pending();
  // Evicts --evict's files and says what it released, and what stayed because it is mapped.
  void evict_now(const char* when);
  uint64_t measure_held();

  RunHostOptions o_;
  std::optional<ProcessTree> tree_;
  std::unique_ptr<SystemMemorySource> mem_;
  std::unique_ptr<KmsgReader> kmsg_;
  std::unique_ptr<Nvml> nvml_;
  Notifier notify_;
  MetricsServer metrics_;
  RunMetrics stats_;
  int signal_fd_ = -1;
  std::deque<HostEvent> queue_;

  pid_t main_ = 0;
  bool main_alive_ = false;
  std::vector<uint32_t> seen_pids_;  // the instance's processes, for the GPU check and evidence
  std::vector<GpuProcess> gpu_scratch_;
  Instant last_scan_{};
  uint64_t oom_baseline_ = 0;
  bool oom_known_ = false;

  std::optional<ProbeTarget> health_, post_;
  HttpProbe probe_;
  int probe_step_ = 0;  // 0: GET --health, 1: POST --probe-post
  bool probe_running_ = false;

  std::unique_ptr<DockerApi> docker_;
  PoolShare* pool_share_ = nullptr;
  int64_t started_unix_ = 0;
  bool container_pid_known_ = false;
  int container_pid_ = 0;
  uint64_t held_ = 0;
  std::string unified_;
  Instant next_measure_{};

  Phase phase_ = Phase::kWaiting;
  std::string status_ = "waiting for memory";  // the last phase's words, for /ready and /live
  bool ready_sent_ = false;
  Instant next_watchdog_{}, next_extend_{};
};

}  // namespace headroom
