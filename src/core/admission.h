// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Admission to a shared pool: several `headroom run`s on one machine, each gating its server's
// start on the same memory. A pure decision over the pool's ledger (act/pool_ledger reads and
// writes it): who is queued, who is loading and how much of what it will hold it has not taken
// yet. Two gates that read the same free memory would both open and both load (a two-model GB10
// stack restarting at once: NVIDIA-AI-Blueprints/video-search-and-summarization#1743); with the
// ledger the second sees the first's claim as spent and waits its turn.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace headroom {

enum class PoolPhase { kWaiting, kLoading, kServing, kStopping };
std::string_view pool_phase_name(PoolPhase p);  // "waiting", "loading", "serving", "stopping"
std::optional<PoolPhase> parse_pool_phase(std::string_view s);

// One server on the pool, as its supervisor last wrote it.
struct LedgerEntry {
  std::string name;
  int pid = 0;               // the supervising headroom
  uint64_t start_ticks = 0;  // its start time (/proc/PID/stat field 22): a reused PID differs
  PoolPhase phase = PoolPhase::kWaiting;
  uint64_t claim = 0;   // bytes it will hold once loaded (0: unknown)
  uint64_t held = 0;    // bytes it holds now, as last measured
  int priority = 0;     // higher starts first; equal: first come, first served
  uint64_t ticket = 0;  // its place in the queue (the ledger's counter when it queued)
  bool operator==(const LedgerEntry&) const = default;
};

// What a server that has been let in but has not yet taken all it claimed still will take:
// claim - held while loading, nothing otherwise (a serving one's memory is already out of
// "available", a waiting one has been promised nothing).
uint64_t still_to_take(const LedgerEntry& e);

struct Admission {
  uint64_t promised = 0;               // others' still_to_take: to be taken off what the pool shows
  std::optional<LedgerEntry> ahead;    // the first waiting entry queued before `me`
  std::optional<LedgerEntry> loading;  // the loading entry with the most still to take
  // "queued behind vllm-b (waiting since ticket 4)", "sglang-a is loading: 41.0 GiB of its
  // 60.0 GiB claim still to come": for the waiting line; "" when nothing holds `me` back.
  std::string why;
};

// `me`'s standing among `others` (entries of the same pool, stale ones already dropped; an entry
// of `me`'s own name in it is ignored).
Admission admission(const std::vector<LedgerEntry>& others, const LedgerEntry& me);

// The gate's target for a server whose footprint was learned (--free auto): its peak and a
// margin of 5 %, at least 256 MiB (a run's peak moves with its load: the KV cache of llama.cpp
// grows with the context used, the allocator's caches with the batch).
uint64_t learned_target(uint64_t peak);

// True when `a` is ahead of `b` in the start queue.
bool queued_before(const LedgerEntry& a, const LedgerEntry& b);

}  // namespace headroom
