// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "probe/nvml.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <array>
#include <cstdlib>
#include <limits>

namespace headroom {
namespace {

// Declarations matching nvml.h (CUDA 11.x-13.x). Kept to what headroom calls.
using nvmlReturn_t = int;
struct nvmlDeviceOpaque;
using nvmlDevice_t = nvmlDeviceOpaque*;
struct nvmlMemory_t {
  unsigned long long total, free, used;
};
// nvmlDeviceGetComputeRunningProcesses (v1) takes this two-field struct...
struct nvmlProcessInfo_v1_t {
  unsigned int pid;
  unsigned long long usedGpuMemory;
};
// ...the _v2 and _v3 entry points take the four-field one.
struct nvmlProcessInfo_t {
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId;
  unsigned int computeInstanceId;
};

constexpr nvmlReturn_t NVML_SUCCESS = 0;
constexpr nvmlReturn_t NVML_ERROR_NOT_SUPPORTED = 3;
constexpr nvmlReturn_t NVML_ERROR_INSUFFICIENT_SIZE = 7;
constexpr unsigned long long NVML_VALUE_NOT_AVAILABLE =
    std::numeric_limits<unsigned long long>::max();
constexpr unsigned kNameBuffer = 96;  // NVML_DEVICE_NAME_V2_BUFFER_SIZE
constexpr unsigned kUuidBuffer = 96;  // NVML_DEVICE_UUID_V2_BUFFER_SIZE

using InitFn = nvmlReturn_t (*)();
using ShutdownFn = nvmlReturn_t (*)();
using ErrorStringFn = const char* (*)(nvmlReturn_t);
using DriverVersionFn = nvmlReturn_t (*)(char*, unsigned);
using CountFn = nvmlReturn_t (*)(unsigned*);
using HandleFn = nvmlReturn_t (*)(unsigned, nvmlDevice_t*);
using StringFn = nvmlReturn_t (*)(nvmlDevice_t, char*, unsigned);
using MemoryFn = nvmlReturn_t (*)(nvmlDevice_t, nvmlMemory_t*);
using ProcsFn = nvmlReturn_t (*)(nvmlDevice_t, unsigned*, nvmlProcessInfo_t*);
using ProcsV1Fn = nvmlReturn_t (*)(nvmlDevice_t, unsigned*, nvmlProcessInfo_v1_t*);

template <class F>
F sym(void* lib, const char* name) {
  return reinterpret_cast<F>(::dlsym(lib, name));
}

}  // namespace

struct Nvml::Impl {
  void* lib = nullptr;
  bool initialised = false;
  std::string note;
  ShutdownFn shutdown = nullptr;
  ErrorStringFn error_string = nullptr;
  DriverVersionFn driver_version = nullptr;
  StringFn name = nullptr, uuid = nullptr;
  MemoryFn memory = nullptr;
  ProcsFn procs = nullptr;
  ProcsV1Fn procs_v1 = nullptr;
  std::vector<nvmlDevice_t> devices;
  std::vector<nvmlProcessInfo_t> buf;
  std::vector<nvmlProcessInfo_v1_t> buf_v1;

  std::string err(nvmlReturn_t r) const {
    const char* s = error_string != nullptr ? error_string(r) : nullptr;
    return s != nullptr ? std::string(s) : fmt::format("NVML error {}", r);
  }

  void load() {
    const char* override_path = std::getenv("HEADROOM_NVML_LIBRARY");
    const std::string path =
        override_path != nullptr && *override_path != '\0' ? override_path : "libnvidia-ml.so.1";
    lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      note = fmt::format("no NVIDIA driver ({} not found)", path);
      return;
    }
    auto init = sym<InitFn>(lib, "nvmlInit_v2");
    if (init == nullptr) init = sym<InitFn>(lib, "nvmlInit");
    shutdown = sym<ShutdownFn>(lib, "nvmlShutdown");
    error_string = sym<ErrorStringFn>(lib, "nvmlErrorString");
    driver_version = sym<DriverVersionFn>(lib, "nvmlSystemGetDriverVersion");
    auto count = sym<CountFn>(lib, "nvmlDeviceGetCount_v2");
    if (count == nullptr) count = sym<CountFn>(lib, "nvmlDeviceGetCount");
    auto handle = sym<HandleFn>(lib, "nvmlDeviceGetHandleByIndex_v2");
    if (handle == nullptr) handle = sym<HandleFn>(lib, "nvmlDeviceGetHandleByIndex");
    name = sym<StringFn>(lib, "nvmlDeviceGetName");
    uuid = sym<StringFn>(lib, "nvmlDeviceGetUUID");
    memory = sym<MemoryFn>(lib, "nvmlDeviceGetMemoryInfo");
    procs = sym<ProcsFn>(lib, "nvmlDeviceGetComputeRunningProcesses_v3");
    if (procs == nullptr) procs = sym<ProcsFn>(lib, "nvmlDeviceGetComputeRunningProcesses_v2");
    procs_v1 = sym<ProcsV1Fn>(lib, "nvmlDeviceGetComputeRunningProcesses");
    if (init == nullptr || count == nullptr || handle == nullptr) {
      note =
          fmt::format("{} lacks nvmlInit / nvmlDeviceGetCount / nvmlDeviceGetHandleByIndex", path);
      return;
    }
    if (nvmlReturn_t r = init(); r != NVML_SUCCESS) {
      note = fmt::format("NVIDIA driver present but NVML did not start: {}", err(r));
      return;
    }
    initialised = true;
    unsigned n = 0;
    if (nvmlReturn_t r = count(&n); r != NVML_SUCCESS) {
      note = fmt::format("NVML could not count devices: {}", err(r));
      return;
    }
    for (unsigned i = 0; i < n; ++i) {
      nvmlDevice_t d = nullptr;
      if (handle(i, &d) == NVML_SUCCESS) devices.push_back(d);
    }
  }

  // Compute processes of one device, appended to `out`.
  Status list(unsigned index, std::vector<GpuProcess>& out) {
    nvmlDevice_t dev = devices[index];
    for (int attempt = 0; attempt < 4; ++attempt) {
      unsigned n = 0;
      nvmlReturn_t r = 0;
      if (procs != nullptr) {
        if (buf.size() < 64) buf.resize(64);
        n = static_cast<unsigned>(buf.size());
        r = procs(dev, &n, buf.data());
      } else if (procs_v1 != nullptr) {
        if (buf_v1.size() < 64) buf_v1.resize(64);
        n = static_cast<unsigned>(buf_v1.size());
        r = procs_v1(dev, &n, buf_v1.data());
      } else {
        return make_error("NVML has no nvmlDeviceGetComputeRunningProcesses");
      }
      if (r == NVML_ERROR_INSUFFICIENT_SIZE) {
        // n now holds the count needed; leave room for processes starting meanwhile.
        buf.resize(n + 16);
        buf_v1.resize(n + 16);
        continue;
      }
      if (r != NVML_SUCCESS) return make_error(err(r));
      for (unsigned i = 0; i < n; ++i) {
        GpuProcess p;
        p.device = index;
        p.pid = procs != nullptr ? buf[i].pid : buf_v1[i].pid;
        const unsigned long long used =
            procs != nullptr ? buf[i].usedGpuMemory : buf_v1[i].usedGpuMemory;
        p.used_known = used != NVML_VALUE_NOT_AVAILABLE;
        p.used_bytes = p.used_known ? used : 0;
        out.push_back(p);
      }
      return {};
    }
    return make_error("the process list kept growing while being read");
  }
};

Nvml::Nvml() : impl_(std::make_unique<Impl>()) {
  impl_->load();
}

Nvml::~Nvml() {
  if (impl_->initialised && impl_->shutdown != nullptr) impl_->shutdown();
  // The library stays loaded: unloading NVML while its threads wind down is not safe.
}

bool Nvml::loaded() const {
  return impl_->initialised;
}

GpuReport Nvml::report() {
  GpuReport rep;
  rep.driver = impl_->initialised;
  rep.note = impl_->note;
  if (!impl_->initialised) return rep;
  if (impl_->driver_version != nullptr) {
    std::array<char, 96> v{};
    if (impl_->driver_version(v.data(), static_cast<unsigned>(v.size())) == NVML_SUCCESS) {
      rep.driver_version = v.data();
    }
  }
  for (unsigned i = 0; i < impl_->devices.size(); ++i) {
    GpuDevice d;
    d.index = i;
    std::array<char, kNameBuffer> name{};
    if (impl_->name != nullptr && impl_->name(impl_->devices[i], name.data(), kNameBuffer) == 0) {
      d.name = name.data();
    }
    std::array<char, kUuidBuffer> uuid{};
    if (impl_->uuid != nullptr && impl_->uuid(impl_->devices[i], uuid.data(), kUuidBuffer) == 0) {
      d.uuid = uuid.data();
    }
    if (impl_->memory != nullptr) {
      nvmlMemory_t m{};
      const nvmlReturn_t r = impl_->memory(impl_->devices[i], &m);
      if (r == NVML_SUCCESS) {
        d.memory_supported = true;
        d.total = m.total;
        d.free = m.free;
        d.used = m.used;
      } else if (r == NVML_ERROR_NOT_SUPPORTED) {
        d.memory_note = "Not Supported (unified memory: the pool is system memory)";
      } else {
        d.memory_note = impl_->err(r);
      }
    }
    if (Status st = impl_->list(i, d.processes); !st) d.processes_note = st.error().message;
    rep.devices.push_back(std::move(d));
  }
  return rep;
}

Status Nvml::compute_processes(std::vector<GpuProcess>& out) {
  out.clear();
  if (!impl_->initialised) return {};
  for (unsigned i = 0; i < impl_->devices.size(); ++i) {
    if (Status st = impl_->list(i, out); !st) {
      return st.error().in(fmt::format("GPU {}", i));
    }
  }
  return {};
}

}  // namespace headroom
