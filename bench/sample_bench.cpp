// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// One full sample of the pool (meminfo + cgroup + PSI) on this machine, and the pure pieces
// behind it. Target (issue 2): one sample <= 50 us median.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "core/gate.h"
#include "core/sample.h"
#include "probe/fs.h"
#include "probe/memory_source.h"
#include "probe/parsers.h"

namespace headroom {
namespace {

// The pool cgroup: HEADROOM_BENCH_CGROUP, or this process's own memory cgroup.
std::string bench_cgroup() {
  const char* c = std::getenv("HEADROOM_BENCH_CGROUP");
  return c != nullptr ? c : "self";
}

void BM_FullSample(benchmark::State& state) {
  auto src = SystemMemorySource::open(Root(), bench_cgroup());
  if (!src) {
    state.SkipWithError(src.error().message.c_str());
    return;
  }
  Sample s;
  for (auto _ : state) {
    Status st = (*src)->read(s);
    benchmark::DoNotOptimize(st);
    benchmark::DoNotOptimize(pool_view(s));
  }
  state.SetLabel("cgroup-v" + std::to_string((*src)->cgroup().version) + ":" +
                 (*src)->cgroup().name);
}
BENCHMARK(BM_FullSample)->Unit(benchmark::kMicrosecond);

void BM_ParseMeminfo(benchmark::State& state) {
  auto text = read_file("/proc/meminfo");
  MemInfo m;
  for (auto _ : state) {
    Status st = parse_meminfo(*text, m);
    benchmark::DoNotOptimize(st);
  }
}
BENCHMARK(BM_ParseMeminfo)->Unit(benchmark::kMicrosecond);

void BM_GateFeed(benchmark::State& state) {
  GateConfig cfg;
  cfg.target = SizeSpec::of_bytes(70ULL << 30);
  cfg.timeout = kForever;
  Gate gate(cfg, Instant{});
  GateInput in;
  in.pool_total = 128ULL << 30;
  in.available = 60ULL << 30;
  for (auto _ : state) {
    in.now += std::chrono::milliseconds(100);
    benchmark::DoNotOptimize(gate.feed(in));
  }
}
BENCHMARK(BM_GateFeed);

}  // namespace
}  // namespace headroom

BENCHMARK_MAIN();
