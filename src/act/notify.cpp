// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "act/notify.h"

#include <dlfcn.h>

#include <cstdint>
#include <cstdlib>

namespace headroom {
namespace {

// libsystemd is loaded only when systemd asked for notifications: the commands that never
// notify (status, wait) do not map it and its dependencies (liblzma, libzstd, libgcrypt...),
// and headroom runs where libsystemd is absent (containers).
using NotifyFn = int (*)(int, const char*);
using WatchdogFn = int (*)(int, uint64_t*);

struct Lib {
  NotifyFn notify = nullptr;
  WatchdogFn watchdog = nullptr;
};

Lib load() {
  Lib lib;
  void* h = ::dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
  if (h == nullptr) return lib;
  lib.notify = reinterpret_cast<NotifyFn>(::dlsym(h, "sd_notify"));
  lib.watchdog = reinterpret_cast<WatchdogFn>(::dlsym(h, "sd_watchdog_enabled"));
  return lib;
}

const Lib& lib() {
  static const Lib l = load();
  return l;
}

}  // namespace

Notifier::Notifier() {
  const char* sock = std::getenv("NOTIFY_SOCKET");
  enabled_ = sock != nullptr && *sock != '\0' && lib().notify != nullptr;
  uint64_t usec = 0;
  if (enabled_ && lib().watchdog != nullptr && lib().watchdog(0, &usec) > 0 && usec > 0) {
    watchdog_every_ = std::chrono::microseconds(usec / 2);
  }
}

void Notifier::send(const std::string& state) {
  if (enabled_) lib().notify(0, state.c_str());
}

}  // namespace headroom
