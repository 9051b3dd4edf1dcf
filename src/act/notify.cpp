#include "act/notify.h"

#include <systemd/sd-daemon.h>

#include <cstdlib>

namespace headroom {

Notifier::Notifier() {
  const char* sock = std::getenv("NOTIFY_SOCKET");
  enabled_ = sock != nullptr && *sock != '\0';
  uint64_t usec = 0;
  if (enabled_ && ::sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    watchdog_every_ = std::chrono::microseconds(usec / 2);
  }
}

void Notifier::send(const std::string& state) {
  if (enabled_) ::sd_notify(0, state.c_str());
}

}  // namespace headroom
