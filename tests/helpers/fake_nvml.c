// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
/* A stand-in for libnvidia-ml.so.1, for tests of the dlopen path on machines without a GPU.
 * Shaped like a DGX Spark by default: one "NVIDIA GB10" whose memory info is NOT_SUPPORTED.
 *
 * Environment:
 *   FAKE_NVML_INIT        return code of nvmlInit_v2 (default 0; 9 = driver not loaded)
 *   FAKE_NVML_DEVICES     device count (default 1)
 *   FAKE_NVML_MEMORY      "unsupported" (default) or "TOTAL:FREE:USED" in bytes
 *   FAKE_NVML_PROCS_FILE  file read on every call, one "PID BYTES" per line (BYTES may be "na")
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId;
  unsigned int computeInstanceId;
} fake_process_info;

typedef struct {
  unsigned long long total, free, used;
} fake_memory;

static int env_int(const char* name, int def) {
  const char* v = getenv(name);
  return v && *v ? atoi(v) : def;
}

int nvmlInit_v2(void) {
  return env_int("FAKE_NVML_INIT", 0);
}
int nvmlShutdown(void) {
  return 0;
}

const char* nvmlErrorString(int r) {
  switch (r) {
    case 0:
      return "Success";
    case 3:
      return "Not Supported";
    case 7:
      return "Insufficient Size";
    case 9:
      return "Driver Not Loaded";
    default:
      return "Unknown Error";
  }
}

int nvmlSystemGetDriverVersion(char* buf, unsigned len) {
  snprintf(buf, len, "%s", "580.95.05");
  return 0;
}

int nvmlDeviceGetCount_v2(unsigned* n) {
  *n = (unsigned)env_int("FAKE_NVML_DEVICES", 1);
  return 0;
}

int nvmlDeviceGetHandleByIndex_v2(unsigned i, void** dev) {
  *dev = (void*)(unsigned long)(i + 1);
  return 0;
}

int nvmlDeviceGetName(void* dev, char* buf, unsigned len) {
  (void)dev;
  snprintf(buf, len, "%s", "NVIDIA GB10");
  return 0;
}

int nvmlDeviceGetUUID(void* dev, char* buf, unsigned len) {
  snprintf(buf, len, "GPU-fake-%lu", (unsigned long)dev);
  return 0;
}

int nvmlDeviceGetMemoryInfo(void* dev, fake_memory* m) {
  (void)dev;
  const char* v = getenv("FAKE_NVML_MEMORY");
  if (!v || strcmp(v, "unsupported") == 0) {
    memset(m, 0, sizeof *m);
    return 3; /* NVML_ERROR_NOT_SUPPORTED, as on GB10 */
  }
  if (sscanf(v, "%llu:%llu:%llu", &m->total, &m->free, &m->used) != 3) return 999;
  return 0;
}

int nvmlDeviceGetComputeRunningProcesses_v3(void* dev, unsigned* count, fake_process_info* out) {
  unsigned n = 0;
  const char* path = getenv("FAKE_NVML_PROCS_FILE");
  fake_process_info found[256];
  (void)dev;
  if (path) {
    FILE* f = fopen(path, "r");
    if (f) {
      char bytes[64];
      unsigned pid;
      while (n < 256 && fscanf(f, "%u %63s", &pid, bytes) == 2) {
        found[n].pid = pid;
        found[n].usedGpuMemory = strcmp(bytes, "na") == 0 ? ~0ULL : strtoull(bytes, 0, 10);
        found[n].gpuInstanceId = ~0u;
        found[n].computeInstanceId = ~0u;
        ++n;
      }
      fclose(f);
    }
  }
  if (n > *count) {
    *count = n;
    return 7; /* NVML_ERROR_INSUFFICIENT_SIZE */
  }
  memcpy(out, found, n * sizeof *out);
  *count = n;
  return 0;
}
