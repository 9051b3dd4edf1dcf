// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// hold_gpu GIB: allocates GIB GiB of device memory with cudaMalloc (plain allocations, never
// managed memory), writes it once so the pages are really backed, prints "held BYTES pid PID" and
// waits until it is killed. For scripts/gpu-check: the process whose memory release is timed.
#include <cuda_runtime.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  const double gib = argc > 1 ? std::atof(argv[1]) : 1.0;
  const size_t bytes = static_cast<size_t>(gib * 1024.0 * 1024.0 * 1024.0);
  void* p = nullptr;
  if (cudaError_t e = cudaMalloc(&p, bytes); e != cudaSuccess) {
    std::fprintf(stderr, "hold_gpu: cudaMalloc(%zu): %s\n", bytes, cudaGetErrorString(e));
    return 1;
  }
  if (cudaError_t e = cudaMemset(p, 1, bytes); e != cudaSuccess) {
    std::fprintf(stderr, "hold_gpu: cudaMemset: %s\n", cudaGetErrorString(e));
    return 1;
  }
  cudaDeviceSynchronize();
  std::printf("held %zu pid %d\n", bytes, static_cast<int>(getpid()));
  std::fflush(stdout);
  for (;;) pause();
}
