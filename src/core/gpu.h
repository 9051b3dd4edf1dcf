// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// What the GPU side reports: devices, their memory when the driver tells it (GB10 does not:
// NVML answers NOT_SUPPORTED there, FIELD.md section 1), and the processes holding memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace headroom {

struct GpuProcess {
  uint32_t pid = 0;
  uint64_t used_bytes = 0;
  bool used_known = false;  // NVML_VALUE_NOT_AVAILABLE on some drivers and in containers
  unsigned device = 0;
};

struct GpuDevice {
  unsigned index = 0;
  std::string name;
  std::string uuid;
  bool memory_supported = false;
  std::string memory_note;  // why not, e.g. "Not Supported (unified memory)"
  uint64_t total = 0, free = 0, used = 0;
  std::vector<GpuProcess> processes;
  std::string processes_note;  // an error listing processes, if any
};

struct GpuReport {
  bool driver = false;  // false: no NVIDIA driver / NVML here, which is a normal answer
  std::string note;     // "no NVIDIA driver (libnvidia-ml.so.1 not found)", or an init error
  std::string driver_version;
  std::vector<GpuDevice> devices;
};

class GpuSource {
 public:
  virtual ~GpuSource() = default;
  virtual GpuReport report() = 0;
  // The PIDs of compute processes on every device. Without a driver: empty, ok. `out` is the
  // caller's, reused: the list is read each sample while the gate waits.
  virtual Status compute_processes(std::vector<GpuProcess>& out) = 0;
};

}  // namespace headroom
