// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The baselines headroom is measured against, as real supervisor processes:
//   naive: restart at once, with Docker's restart-policy backoff (100 ms doubling, capped at
//          1 min, reset after 10 s of running; moby#41856, FIELD.md section 3);
//   seed:  the seed's recipe: a fixed RestartSec= delay, then the seed's wait script
//          (bench/seed-wait-memory.sh) as ExecStartPre=, polling every few seconds for the
//          target; a failed wait is a failed start, retried after the delay again.
// Both end their server's process group on SIGTERM/SIGINT and exit 0.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace headroom {

int naive_supervisor(const std::vector<std::string>& command);

struct SeedSupervisorOptions {
  double delay_s = 60;   // RestartSec=60
  double poll_s = 5;     // the script's sleep
  uint64_t target = 70;  // in the script's unit (GiB with free -g, MiB with a pool)
  double max_wait_s = 300;
  std::string pool_dir;  // SEED_POOL_DIR, for the simulator's pool
  std::string script;    // path of seed-wait-memory.sh
};

int seed_supervisor(const SeedSupervisorOptions& o, const std::vector<std::string>& command);

}  // namespace headroom
