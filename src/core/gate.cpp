// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/gate.h"

namespace headroom {

GateVerdict Gate::feed(const GateInput& in) {
  // Once open or timed out, the answer is final.
  if (done_) return last_;

  GateVerdict v;
  v.available = in.available;
  v.elapsed = in.now - start_;
  if (config_.target) {
    v.target = config_.target->resolve(in.pool_total);
    if (in.available < v.target) {
      v.blockers |= kBlockMemory;
      v.shortfall = v.target - in.available;
    }
  }
  if (config_.max_pressure && in.pressure && *in.pressure > *config_.max_pressure) {
    v.blockers |= kBlockPressure;
  }
  if (in.pending > 0) v.blockers |= kBlockGone;
  if (in.queued) v.blockers |= kBlockQueue;

  if (v.blockers == kBlockNone) {
    if (!ok_since_) ok_since_ = in.now;
    v.settled = in.now - *ok_since_;
    v.state = v.settled >= config_.settle ? GateState::kOpen : GateState::kSettling;
  } else {
    ok_since_.reset();  // a dip resets the settle window
    v.state = GateState::kWaiting;
  }
  if (v.state != GateState::kOpen && config_.timeout != kForever && v.elapsed >= config_.timeout) {
    v.state = GateState::kTimedOut;
  }
  done_ = v.state == GateState::kOpen || v.state == GateState::kTimedOut;
  last_ = v;
  return v;
}

const char* to_string(GateState s) {
  switch (s) {
    case GateState::kWaiting:
      return "waiting";
    case GateState::kSettling:
      return "settling";
    case GateState::kOpen:
      return "open";
    case GateState::kTimedOut:
      return "timeout";
  }
  return "?";
}

std::string blockers_string(unsigned blockers) {
  std::string out;
  auto add = [&out](const char* s) {
    if (!out.empty()) out += '+';
    out += s;
  };
  if (blockers & kBlockMemory) add("memory");
  if (blockers & kBlockPressure) add("pressure");
  if (blockers & kBlockGone) add("gone");
  if (blockers & kBlockQueue) add("queue");
  return out;
}

}  // namespace headroom
