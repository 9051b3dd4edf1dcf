// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Fakes for the seams in core/sources.h and core/gpu.h: decisions tested in microseconds.
#pragma once

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "core/gpu.h"
#include "core/sources.h"

namespace headroom::test {

// Time moves only when someone sleeps.
class FakeClock : public Clock {
 public:
  Instant now() override { return now_; }
  void sleep_until(Instant t) override {
    if (t > now_) now_ = t;
    ++sleeps;
  }
  void advance(Duration d) { now_ += d; }
  int sleeps = 0;

 private:
  Instant now_ = Instant{} + std::chrono::hours(1);
};

// Answers from a function of the clock: a recorded series, a ramp, a step.
class FakeMemorySource : public MemorySource {
 public:
  using Fn = std::function<uint64_t(Instant)>;  // available bytes at a time
  FakeMemorySource(Clock& clock, uint64_t total, Fn available)
      : clock_(clock), total_(total), available_(std::move(available)) {}

  Status read(Sample& out) override {
    ++reads;
    if (fail_after >= 0 && reads > fail_after) return make_error("cgroup /pool was removed");
    out.mem.total = total_;
    out.mem.available = available_(clock_.now());
    out.mem.free = out.mem.available;
    out.psi.present = pressure >= 0;
    out.psi.some.avg10 = pressure;
    return {};
  }
  int reads = 0;
  int fail_after = -1;
  double pressure = -1;  // < 0: no PSI

 private:
  Clock& clock_;
  uint64_t total_;
  Fn available_;
};

class FakeGoneWatch : public GoneWatch {
 public:
  explicit FakeGoneWatch(std::function<int(Instant)> pending, Clock& clock)
      : pending_(std::move(pending)), clock_(clock) {}
  Result<Pending> pending() override {
    const int n = pending_(clock_.now());
    return Pending{n, n > 0 ? "process 4242 (python3) is still running" : ""};
  }

 private:
  std::function<int(Instant)> pending_;
  Clock& clock_;
};

class FakeGpuSource : public GpuSource {
 public:
  GpuReport report() override { return rep; }
  Status compute_processes(std::vector<GpuProcess>& out) override {
    out = procs;
    return {};
  }
  GpuReport rep;
  std::vector<GpuProcess> procs;
};

}  // namespace headroom::test
