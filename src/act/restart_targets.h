// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// What `headroom restart` can restart:
//   docker:NAME (or a bare name Docker knows)  through the Engine API;
//   unit:NAME.service                          through systemctl;
//   headroom:NAME                              a running `headroom run --name NAME`, by SIGHUP.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "act/docker.h"
#include "act/registry.h"
#include "core/gpu.h"
#include "core/restart_sequence.h"
#include "probe/fs.h"

namespace headroom {

class DockerTarget : public RestartTarget {
 public:
  DockerTarget(DockerApi& docker, std::string name, GpuSource* gpu)
      : docker_(docker), name_(std::move(name)), gpu_(gpu) {}
  std::string describe() const override { return "docker container " + name_; }
  Status check() override;
  Result<std::string> stop(Duration timeout) override;
  Result<Pending> pending() override;
  Result<std::string> start() override;
  Result<Health> healthy() override;

 private:
  DockerApi& docker_;
  std::string name_;
  GpuSource* gpu_;
  std::vector<uint32_t> pids_;  // its processes before the stop, for the GPU check
  std::vector<GpuProcess> scratch_;
};

class UnitTarget : public RestartTarget {
 public:
  UnitTarget(std::string unit, Root root, GpuSource* gpu)
      : unit_(std::move(unit)), root_(std::move(root)), gpu_(gpu) {}
  std::string describe() const override { return "systemd unit " + unit_; }
  Status check() override;
  Result<std::string> stop(Duration timeout) override;
  Result<Pending> pending() override;
  Result<std::string> start() override;
  Result<Health> healthy() override;

 private:
  Result<std::string> property(const std::string& name);
  // Why a failed unit failed, with the way out: its Result=, status, and for a start limit
  // `systemctl reset-failed`.
  std::string failure(const std::string& doing);
  std::string unit_;
  Root root_;
  GpuSource* gpu_;
  std::string control_group_;  // its cgroup, read before the stop
  uint64_t start_usec_ = 0;    // CLOCK_MONOTONIC when start() asked (systemd's own clock)
  int64_t start_unix_ = 0;     // the same moment for journalctl --since
};

class HeadroomTarget : public RestartTarget {
 public:
  explicit HeadroomTarget(Registration r) : reg_(std::move(r)) {}
  std::string describe() const override;
  Status check() override { return {}; }
  Result<std::string> stop(Duration timeout) override;  // SIGHUP
  Result<Pending> pending() override { return Pending{}; }
  Result<std::string> start() override { return std::string("by itself"); }
  Result<Health> healthy() override;
  bool gates_itself() const override { return true; }

 private:
  Registration reg_;
  size_t events_offset_ = 0;  // where its event file was when SIGHUP was sent
};

// "docker:x" | "unit:x.service" | "headroom:x" | a bare name (asked of Docker). Errors say how
// to write it.
struct TargetSpec {
  enum class Kind { kDocker, kUnit, kHeadroom } kind = Kind::kDocker;
  std::string name;
};
Result<TargetSpec> parse_target(const std::string& text);

}  // namespace headroom
