// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The dlopen path of NVML, against a fake libnvidia-ml.so.1 shaped like a GB10.
#include "probe/nvml.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>

#include "core/size.h"
#include "helpers/subprocess.h"

namespace headroom {
namespace {

class NvmlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    procs_file_ = test::scratch_dir() + "/fake_nvml_procs-" + std::to_string(::getpid());
    ::setenv("HEADROOM_NVML_LIBRARY", FAKE_NVML_LIB, 1);
    ::setenv("FAKE_NVML_PROCS_FILE", procs_file_.c_str(), 1);
    ::unsetenv("FAKE_NVML_MEMORY");
    ::unsetenv("FAKE_NVML_INIT");
    ::unsetenv("FAKE_NVML_DEVICES");
    std::remove(procs_file_.c_str());
  }
  void TearDown() override {
    // All of them: the binary's later tests start headroom, which inherits this environment.
    for (const char* v : {"HEADROOM_NVML_LIBRARY", "FAKE_NVML_PROCS_FILE", "FAKE_NVML_MEMORY",
                          "FAKE_NVML_INIT", "FAKE_NVML_DEVICES"}) {
      ::unsetenv(v);
    }
    std::remove(procs_file_.c_str());
  }
  void write_procs(const std::string& text) { std::ofstream(procs_file_) << text; }
  std::string procs_file_;
};

TEST_F(NvmlTest, MissingLibraryMeansNoDriverNotAnError) {
  ::setenv("HEADROOM_NVML_LIBRARY", "/nonexistent/libnvidia-ml.so.1", 1);
  Nvml nvml;
  EXPECT_FALSE(nvml.loaded());
  const GpuReport r = nvml.report();
  EXPECT_FALSE(r.driver);
  EXPECT_EQ(r.note, "no NVIDIA driver (/nonexistent/libnvidia-ml.so.1 not found)");
  std::vector<GpuProcess> procs{{1, 2, true, 0}};
  EXPECT_TRUE(nvml.compute_processes(procs).ok());
  EXPECT_TRUE(procs.empty());
}

TEST_F(NvmlTest, Gb10MemoryInfoIsNotSupportedButProcessesWork) {
  write_procs("4242 40265318400\n4243 na\n");
  Nvml nvml;
  ASSERT_TRUE(nvml.loaded());
  const GpuReport r = nvml.report();
  EXPECT_TRUE(r.driver);
  EXPECT_EQ(r.driver_version, "580.95.05");
  ASSERT_EQ(r.devices.size(), 1u);
  const GpuDevice& d = r.devices[0];
  EXPECT_EQ(d.name, "NVIDIA GB10");
  EXPECT_FALSE(d.memory_supported);
  EXPECT_EQ(d.memory_note, "Not Supported (unified memory: the pool is system memory)");
  ASSERT_EQ(d.processes.size(), 2u);
  EXPECT_EQ(d.processes[0].pid, 4242u);
  EXPECT_EQ(d.processes[0].used_bytes, 40265318400ULL);
  EXPECT_TRUE(d.processes[0].used_known);
  EXPECT_FALSE(d.processes[1].used_known) << "NVML_VALUE_NOT_AVAILABLE";
}

TEST_F(NvmlTest, DiscreteGpuReportsMemory) {
  ::setenv("FAKE_NVML_MEMORY", "85899345920:80000000000:5899345920", 1);
  ::setenv("FAKE_NVML_DEVICES", "2", 1);
  Nvml nvml;
  const GpuReport r = nvml.report();
  ASSERT_EQ(r.devices.size(), 2u);
  EXPECT_TRUE(r.devices[1].memory_supported);
  EXPECT_EQ(r.devices[1].total, 80 * kGiB);
  EXPECT_EQ(r.devices[1].free, 80000000000ULL);
}

TEST_F(NvmlTest, ManyProcessesGrowTheBuffer) {
  std::string text;
  for (int i = 0; i < 100; ++i)
    text += std::to_string(1000 + i) + " 1048576\n";
  write_procs(text);
  Nvml nvml;
  std::vector<GpuProcess> procs;
  ASSERT_TRUE(nvml.compute_processes(procs).ok());
  ASSERT_EQ(procs.size(), 100u);
  EXPECT_EQ(procs[99].pid, 1099u);
}

TEST_F(NvmlTest, InitFailureIsReportedNotFatal) {
  ::setenv("FAKE_NVML_INIT", "9", 1);
  Nvml nvml;
  EXPECT_FALSE(nvml.loaded());
  EXPECT_EQ(nvml.report().note, "NVIDIA driver present but NVML did not start: Driver Not Loaded");
}

}  // namespace
}  // namespace headroom
