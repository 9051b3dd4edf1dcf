// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Parsers against fixture files and malformed text.
#include "probe/parsers.h"

#include <gtest/gtest.h>

#include "core/size.h"
#include "helpers/subprocess.h"
#include "probe/fs.h"

namespace headroom {
namespace {

std::string fixture(const std::string& rel) {
  auto text = read_file(test::fixtures_dir() + "/" + rel);
  EXPECT_TRUE(text.ok()) << rel;
  return text.ok() ? *text : std::string();
}

std::string meminfo_error(std::string_view text) {
  MemInfo m;
  Status st = parse_meminfo(text, m);
  EXPECT_FALSE(st.ok()) << "parsed: " << text;
  return st.ok() ? "" : st.error().message;
}

TEST(Meminfo, Gb10Box) {
  MemInfo m;
  ASSERT_TRUE(parse_meminfo(fixture("gb10/proc/meminfo"), m).ok());
  EXPECT_EQ(m.total, 125489508ULL * 1024);  // 128,501,256,192 bytes (gpud#1170)
  EXPECT_EQ(m.available, 56632108ULL * 1024);
  EXPECT_EQ(m.free, 12583912ULL * 1024);
  EXPECT_EQ(m.cached, 44871236ULL * 1024);
  EXPECT_EQ(m.inactive_file, 25124552ULL * 1024);
  EXPECT_EQ(m.active_file, 19932876ULL * 1024);
  EXPECT_EQ(m.sreclaimable, 812332ULL * 1024);
  EXPECT_FALSE(m.available_estimated);
}

TEST(Meminfo, EveryFieldInOrderWithCountsKept) {
  auto fields = parse_meminfo_fields(fixture("gb10/proc/meminfo"));
  ASSERT_TRUE(fields.ok());
  ASSERT_EQ(fields->size(), 54u);
  EXPECT_EQ((*fields)[0].name, "MemTotal");
  EXPECT_EQ((*fields)[38].name, "VmallocChunk");
  bool saw_hugepages = false;
  for (const MeminfoField& f : *fields) {
    if (f.name == "HugePages_Total") {
      EXPECT_TRUE(f.is_count);
      EXPECT_EQ(f.value, 0u);
      saw_hugepages = true;
    }
    if (f.name == "Hugepagesize") {
      EXPECT_EQ(f.value, 2048u * 1024);
    }
    if (f.name == "VmallocTotal") {
      EXPECT_EQ(f.value, 133143461888ULL * 1024);
    }
  }
  EXPECT_TRUE(saw_hugepages);
}

TEST(Meminfo, OldKernelWithoutMemAvailableIsEstimated) {
  MemInfo m;
  ASSERT_TRUE(parse_meminfo(fixture("old/proc/meminfo"), m).ok());
  EXPECT_TRUE(m.available_estimated);
  // MemFree + Active(file) + Inactive(file) + SReclaimable
  EXPECT_EQ(m.available, (1048576ULL + 1048576 + 1048576 + 131072) * 1024);
}

TEST(Meminfo, MalformedInputNamesTheLine) {
  EXPECT_EQ(meminfo_error("MemTotal: 1 kB\nMemFree 2 kB\n"), "line 2: expected 'Name: value kB'");
  EXPECT_EQ(meminfo_error("MemTotal: 1 kB\nMemFree: -2 kB\n"),
            "line 2: value of MemFree is not a non-negative integer");
  EXPECT_EQ(meminfo_error("MemTotal: 1 MB\n"), "line 1: unit is not kB");
  EXPECT_EQ(meminfo_error("MemTotal: 1 kB extra\n"), "line 1: unexpected text after the value");
  EXPECT_EQ(meminfo_error("MemTotal: 99999999999999999999 kB\n"),
            "line 1: value of MemTotal is not a non-negative integer");
  EXPECT_EQ(meminfo_error("MemTotal: 18014398509481984 kB\n"),
            "line 1: value of MemTotal overflows");
  EXPECT_EQ(meminfo_error("MemFree: 1 kB\n"), "MemTotal is missing");
  EXPECT_EQ(meminfo_error("MemTotal: 1 kB\n"), "MemFree is missing");
  EXPECT_EQ(meminfo_error("MemTotal: 5\nMemFree: 1 kB\n"), "line 1: MemTotal has no kB unit");
  EXPECT_EQ(meminfo_error(""), "empty file");
  EXPECT_EQ(meminfo_error(std::string("Mem\0Total: 1 kB\n", 16)),
            "line 1: field name contains a space or a control character");
}

TEST(Meminfo, TruncatedFileIsRejected) {
  EXPECT_EQ(meminfo_error(fixture("broken/proc/meminfo.truncated")),
            "line 3: truncated: the last line has no newline");
}

TEST(Meminfo, BinaryGarbageIsAnErrorNotACrash) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i)
    garbage += static_cast<char>((i * 131 + 7) % 256);
  garbage += '\n';
  MemInfo m;
  EXPECT_FALSE(parse_meminfo(garbage, m).ok());
  EXPECT_FALSE(parse_meminfo_fields(garbage).ok());
}

TEST(CgroupFiles, LimitsIncludingTheUnlimitedSpellings) {
  EXPECT_EQ(*parse_cgroup_limit("1073741824\n"), kGiB);
  EXPECT_EQ(*parse_cgroup_limit("max\n"), kUnlimited);
  EXPECT_EQ(*parse_cgroup_limit("9223372036854771712\n"), kUnlimited);  // v1, 4 KiB pages
  EXPECT_EQ(*parse_cgroup_limit("9223372036854710272\n"), kUnlimited);  // v1, 64 KiB pages
  EXPECT_EQ(*parse_cgroup_limit("9223372036854775807\n"), kUnlimited);  // LONG_MAX (old kernels)
  EXPECT_FALSE(parse_cgroup_limit("").ok());
  EXPECT_FALSE(parse_cgroup_limit("-1\n").ok());
  EXPECT_EQ(parse_cgroup_limit("lots").error().message,
            "line 1: expected a number of bytes or \"max\"");
  EXPECT_EQ(*parse_cgroup_value("734003200\n"), 700 * kMiB);
  EXPECT_FALSE(parse_cgroup_value("\x7f"
                                  "ELF")
                   .ok());
}

TEST(CgroupFiles, FlatKeyedPicksTheKeysAsked) {
  const std::string_view keys[] = {"total_inactive_file", "total_cache", "nope"};
  uint64_t out[3] = {0, 0, 7};
  unsigned found = 0;
  ASSERT_TRUE(
      parse_flat_keyed(fixture("v1/sys/fs/cgroup/memory/pool/memory.stat"), keys, out, 3, &found)
          .ok());
  EXPECT_EQ(out[0], 20 * kMiB);
  EXPECT_EQ(out[1], 20 * kMiB);
  EXPECT_EQ(out[2], 7u) << "a key not in the file leaves its slot alone";
  EXPECT_EQ(found, 3u);
}

TEST(CgroupFiles, FlatKeyedRejectsMalformedLines) {
  const std::string_view key = "oom_kill";
  uint64_t v = 0;
  unsigned found = 0;
  EXPECT_EQ(parse_flat_keyed("oom_kill\n", &key, &v, 1, &found).error().message,
            "line 1: expected 'key value' with a non-negative integer");
  EXPECT_EQ(parse_flat_keyed("a 1\noom_kill 1 2\n", &key, &v, 1, &found).error().message,
            "line 2: expected 'key value'");
  ASSERT_TRUE(parse_flat_keyed("oom 3\noom_kill 2\n", &key, &v, 1, &found).ok());
  EXPECT_EQ(v, 2u);
}

TEST(Psi, PresentWithSomeAndFull) {
  PsiSample p;
  ASSERT_TRUE(parse_psi(fixture("gb10/proc/pressure/memory"), p).ok());
  EXPECT_TRUE(p.present);
  EXPECT_TRUE(p.has_full);
  EXPECT_DOUBLE_EQ(p.some.avg10, 3.21);
  EXPECT_DOUBLE_EQ(p.some.avg300, 0.22);
  EXPECT_EQ(p.some.total_us, 48221317u);
  EXPECT_DOUBLE_EQ(p.full.avg60, 0.35);
}

TEST(Psi, SomeOnlyIsFine) {
  PsiSample p;
  ASSERT_TRUE(parse_psi("some avg10=1.00 avg60=2.00 avg300=3.00 total=4\n", p).ok());
  EXPECT_FALSE(p.has_full);
}

TEST(Psi, MalformedInputNamesTheLine) {
  PsiSample p;
  EXPECT_EQ(parse_psi("", p).error().message, "the \"some\" line is missing");
  EXPECT_EQ(parse_psi("most avg10=1\n", p).error().message,
            "line 1: expected \"some\" or \"full\"");
  EXPECT_EQ(parse_psi("some avg10=1.00 avg60=2.00 total=4\n", p).error().message,
            "line 1: avg10, avg60, avg300 or total missing");
  EXPECT_EQ(parse_psi("some avg10=abc avg60=2.00 avg300=3.00 total=4\n", p).error().message,
            "line 1: average is not a percentage");
  EXPECT_EQ(parse_psi("some avg10=1.00 avg60=2.00 avg300=3.00 total=-4\n", p).error().message,
            "line 1: total is not an integer");
  EXPECT_EQ(parse_psi("some avg10\n", p).error().message, "line 1: expected key=value");
}

TEST(Mounts, EscapesAreDecoded) {
  auto m = parse_mounts("cgroup /sys/fs/cgroup/my\\040pool cgroup rw,memory 0 0\n");
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ((*m)[0].target, "/sys/fs/cgroup/my pool");
  EXPECT_EQ((*m)[0].options, "rw,memory");
  EXPECT_EQ(parse_mounts("cgroup /x\n").error().message,
            "line 1: expected 'source target type options ...'");
}

TEST(ProcCgroup, V1AndV2Lines) {
  auto e = parse_proc_cgroup(fixture("v1/proc/self/cgroup"));
  ASSERT_TRUE(e.ok());
  ASSERT_EQ(e->size(), 6u);
  EXPECT_EQ((*e)[2].controllers, "memory");
  EXPECT_EQ((*e)[2].path, "/pool/server");
  EXPECT_EQ((*e)[5].hierarchy_id, "0");
  EXPECT_EQ(parse_proc_cgroup("4:memory\n").error().message,
            "line 1: expected 'id:controllers:path'");
  EXPECT_EQ(parse_proc_cgroup("4:memory:pool\n").error().message,
            "line 1: cgroup path does not start with '/'");
}

}  // namespace
}  // namespace headroom
