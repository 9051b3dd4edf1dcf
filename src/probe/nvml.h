// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// NVML, loaded with dlopen at run time so that headroom runs on machines without a GPU. Only the
// few functions used are declared here (no nvml.h at build time). A missing library means "no
// NVIDIA driver", and NOT_SUPPORTED (memory info on GB10) is an answer, not an error.
//
// HEADROOM_NVML_LIBRARY overrides the library path (tests point it at a fake library).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/gpu.h"

namespace headroom {

class Nvml : public GpuSource {
 public:
  Nvml();
  ~Nvml() override;
  Nvml(const Nvml&) = delete;
  Nvml& operator=(const Nvml&) = delete;

  GpuReport report() override;
  Status compute_processes(std::vector<GpuProcess>& out) override;

  bool loaded() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace headroom
