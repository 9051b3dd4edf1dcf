// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// What a server really holds, learned by the headroom that supervises it: the peak of its process
// tree's resident memory (a container's processes in Docker mode) plus its GPU processes' memory
// where NVML answers, kept per server name across runs and reboots in
// state_dir()/footprints/NAME.json. `headroom run --free auto` gates the next start on it (core's
// learned_target: the peak and a margin); the pool ledger's claim is the same figure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace headroom {

// /var/lib/headroom as root, else $XDG_STATE_HOME/headroom (or ~/.local/state/headroom).
std::string state_dir();

struct Footprint {
  std::string name;
  std::string command;   // the command line it was measured for: another one is another server
  uint64_t peak = 0;     // bytes
  std::string measured;  // when the peak was last written (ISO 8601, UTC)
  uint64_t runs = 0;     // ready runs that measured it
};

std::string format_footprint(const Footprint& f);
Result<Footprint> parse_footprint(std::string_view text);

std::string footprint_path(std::string_view name);
// nullopt: none recorded. An unreadable or broken file is an error naming it.
Result<std::optional<Footprint>> load_footprint(const std::string& name);
// Written atomically (rename), so a headroom killed mid-write leaves the old one or the new one.
Status save_footprint(const Footprint& f);

// Measures what each start of the server holds and keeps the footprint: a ready run's peak
// replaces the one before (the latest run of the same command is the truth), any run's peak above
// it raises it; written when it moves by more than 1 %.
class FootprintLearner {
 public:
  // `known`: the footprint on record for the name; used only when it is for the same command.
  FootprintLearner(std::string name, std::string command, std::optional<Footprint> known);
  void started();
  void ready() { ready_ = true; }
  // A measurement of what the server holds now; an error when the footprint cannot be written
  // (to be said once: the run goes on).
  Status held(uint64_t bytes);
  const Footprint& footprint() const { return fp_; }

 private:
  Footprint fp_;
  uint64_t run_peak_ = 0;
  bool ready_ = false, saved_this_run_ = false;
};

}  // namespace headroom
