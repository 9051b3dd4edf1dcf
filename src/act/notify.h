// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// systemd's notification protocol (sd_notify): READY=1 once healthy, STATUS= with the phase,
// EXTEND_TIMEOUT_USEC= while waiting for memory or loading (so TimeoutStartSec= does not kill a
// start that is making progress), WATCHDOG=1 every half WatchdogSec=, STOPPING=1.
// A no-op when NOTIFY_SOCKET is not set. libsystemd's sd_notify does the sending; it is loaded
// with dlopen when NOTIFY_SOCKET is set (without libsystemd.so.0 there is no notification).
#pragma once

#include <string>

#include "core/duration.h"

namespace headroom {

class Notifier {
 public:
  Notifier();
  bool enabled() const { return enabled_; }
  void send(const std::string& state);
  void status(const std::string& text) { send("STATUS=" + text); }
  // The watchdog interval to ping at (half of WATCHDOG_USEC); 0 when the watchdog is off.
  Duration watchdog_every() const { return watchdog_every_; }

 private:
  bool enabled_ = false;
  Duration watchdog_every_{};
};

}  // namespace headroom
