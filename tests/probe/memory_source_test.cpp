// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Probes against fixture trees: cgroup v1, v2, an old kernel, broken files.
#include <gtest/gtest.h>

#include "core/size.h"
#include "helpers/subprocess.h"
#include "probe/cgroup.h"
#include "probe/memory_source.h"

namespace headroom {
namespace {

Root fixture_root(const std::string& name) {
  return Root(test::fixtures_dir() + "/" + name);
}

struct Read {
  Sample sample;
  PoolView pool;
};

Read read_pool(const std::string& root, const std::string& cgroup) {
  auto src = SystemMemorySource::open(fixture_root(root), cgroup);
  EXPECT_TRUE(src.ok()) << (src.ok() ? "" : src.error().message);
  Read r;
  if (!src.ok()) return r;
  Status st = (*src)->read(r.sample);
  EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
  r.pool = pool_view(r.sample);
  return r;
}

TEST(Hierarchy, V2WithTheMemoryControllerWins) {
  auto h = find_memory_hierarchy(fixture_root("gb10"));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->version, 2);
  EXPECT_EQ(h->mount, "/sys/fs/cgroup");
}

TEST(Hierarchy, HybridMachinesUseV1Memory) {
  auto h = find_memory_hierarchy(fixture_root("v1"));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->version, 1);
  EXPECT_EQ(h->mount, "/sys/fs/cgroup/memory");
}

TEST(ResolveCgroup, EverySpelling) {
  const Root root = fixture_root("v1");
  for (const char* spec : {"/pool", "pool", "/pool/", "/sys/fs/cgroup/memory/pool"}) {
    auto ref = resolve_cgroup(root, spec);
    ASSERT_TRUE(ref.ok()) << spec << ": " << ref.error().message;
    EXPECT_EQ(ref->name, "/pool") << spec;
    EXPECT_EQ(ref->dir, test::fixtures_dir() + "/v1/sys/fs/cgroup/memory/pool") << spec;
  }
  auto self = resolve_cgroup(root, "self");
  ASSERT_TRUE(self.ok());
  EXPECT_EQ(self->name, "/pool/server");
  auto top = resolve_cgroup(root, "/");
  ASSERT_TRUE(top.ok());
  EXPECT_TRUE(top->is_root());
}

TEST(ResolveCgroup, MissingCgroupNamesWhereItLooked) {
  auto ref = resolve_cgroup(fixture_root("v1"), "/nope");
  ASSERT_FALSE(ref.ok());
  EXPECT_NE(ref.error().message.find("cgroup \"/nope\" not found: no directory"),
            std::string::npos);
  EXPECT_NE(ref.error().message.find("cgroup v1 at /sys/fs/cgroup/memory"), std::string::npos);
  EXPECT_FALSE(resolve_cgroup(fixture_root("v1"), "/pool/../..").ok());
}

TEST(ResolveCgroup, ADirectoryWithoutMemoryFilesIsNotAPool) {
  auto ref = resolve_cgroup(fixture_root("gb10"), "/nomem");
  ASSERT_FALSE(ref.ok());
  EXPECT_EQ(ref.error().message,
            test::fixtures_dir() +
                "/gb10/sys/fs/cgroup/nomem is not a memory cgroup: it has no memory.max; enable "
                "the controller with `echo +memory > <parent>/cgroup.subtree_control`");
}

TEST(MemorySource, Gb10UnitCgroupWithoutLimitIsTheSystem) {
  const Read r = read_pool("gb10", "self");
  EXPECT_EQ(r.sample.cgroup.version, 2);
  EXPECT_FALSE(r.pool.limited_by_cgroup);
  EXPECT_EQ(r.pool.total, 125489508ULL * 1024);
  EXPECT_EQ(r.pool.available, 56632108ULL * 1024);
  EXPECT_EQ(r.pool.page_cache, (10240ULL + 44871236) * 1024);
  EXPECT_TRUE(r.sample.psi.present);
  EXPECT_DOUBLE_EQ(r.sample.psi.some.avg10, 3.21);
  EXPECT_EQ(r.sample.cgroup.levels[0].inactive_file, 805306368u);
  EXPECT_TRUE(r.sample.cgroup.has_oom_kills);
  EXPECT_EQ(r.sample.cgroup.oom_kills, 0u);
}

TEST(MemorySource, Gb10NestedPoolTakesTheTightestLevel) {
  const Read r = read_pool("gb10", "/pool/server");
  ASSERT_EQ(r.sample.cgroup.depth, 2u) << "own level and the limited parent";
  EXPECT_TRUE(r.pool.limited_by_cgroup);
  EXPECT_EQ(r.pool.total, 64 * kGiB);
  // own: 64 GiB - 40 GiB + 0.5 GiB inactive file; parent: 100 - 42 + 1 = 59 GiB; system 54 GiB.
  EXPECT_EQ(r.pool.available, 24 * kGiB + kGiB / 2);
  EXPECT_EQ(r.sample.cgroup.oom_kills, 1u);
}

TEST(MemorySource, Gb10LoosePoolIsBoundByTheSystem) {
  const Read r = read_pool("gb10", "/pool");
  EXPECT_EQ(r.pool.total, 100 * kGiB);
  EXPECT_EQ(r.pool.available, 56632108ULL * 1024);
  EXPECT_EQ(r.sample.cgroup.oom_kills, 2u);
}

TEST(MemorySource, V1PoolWithAChildWithoutALimit) {
  const Read child = read_pool("v1", "self");  // /pool/server: unlimited, under a 1 GiB /pool
  EXPECT_EQ(child.sample.cgroup.version, 1);
  EXPECT_EQ(child.pool.total, kGiB);
  EXPECT_EQ(child.pool.available, kGiB - 700 * kMiB + 20 * kMiB);
  EXPECT_EQ(child.sample.cgroup.oom_kills, 0u);

  const Read pool = read_pool("v1", "/pool");
  EXPECT_EQ(pool.pool.available, kGiB - 700 * kMiB + 20 * kMiB);
  EXPECT_EQ(pool.sample.cgroup.oom_kills, 1u);
  EXPECT_EQ(pool.pool.page_cache, 20 * kMiB);
}

TEST(MemorySource, RootCgroupIsTheWholeSystem) {
  const Read r = read_pool("v1", "/");
  EXPECT_EQ(r.sample.cgroup.depth, 0u);
  EXPECT_EQ(r.pool.total, 24683620ULL * 1024);
  EXPECT_EQ(r.pool.available, 24263220ULL * 1024);
}

TEST(MemorySource, OldKernelWithoutPsiOrOomCounter) {
  auto src = SystemMemorySource::open(fixture_root("old"), "self");
  ASSERT_TRUE(src.ok()) << src.error().message;
  EXPECT_EQ((*src)->psi_source(), "not available: the kernel has no PSI (CONFIG_PSI)");
  Sample s;
  ASSERT_TRUE((*src)->read(s).ok());
  EXPECT_FALSE(s.psi.present);
  EXPECT_FALSE(s.cgroup.has_oom_kills);
  EXPECT_TRUE(s.mem.available_estimated);
  EXPECT_EQ(pool_view(s).total, 2 * kGiB);
  EXPECT_EQ(pool_view(s).available, kGiB);
}

TEST(MemorySource, BrokenFilesAreErrorsNamingTheFile) {
  auto src = SystemMemorySource::open(fixture_root("broken"), "self");
  ASSERT_TRUE(src.ok()) << src.error().message;
  Sample s;
  Status st = (*src)->read(s);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, test::fixtures_dir() +
                                    "/broken/proc/meminfo: line 2: value of MemFree is not a "
                                    "non-negative integer");
}

TEST(MemorySource, GarbageInACgroupFileIsAnErrorNamingTheFile) {
  auto src = SystemMemorySource::open(fixture_root("broken-cgroup"), "self");
  ASSERT_TRUE(src.ok()) << src.error().message;
  Sample s;
  Status st = (*src)->read(s);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, test::fixtures_dir() +
                                    "/broken-cgroup/sys/fs/cgroup/memory/pool/"
                                    "memory.usage_in_bytes: line 1: expected a number");
}

TEST(MemorySource, MissingMeminfoIsAnError) {
  auto src = SystemMemorySource::open(Root("/nonexistent-root"), "self");
  ASSERT_FALSE(src.ok());
  EXPECT_EQ(src.error().message, "/nonexistent-root/proc/meminfo: No such file or directory");
}

TEST(MemorySource, RealSystemReadsAndAgreesWithItself) {
  auto src = SystemMemorySource::open(Root(), "self");
  ASSERT_TRUE(src.ok()) << src.error().message;
  Sample a;
  ASSERT_TRUE((*src)->read(a).ok());
  EXPECT_GT(a.mem.total, 0u);
  EXPECT_LE(a.mem.available, a.mem.total);
  const PoolView p = pool_view(a);
  EXPECT_LE(p.available, p.total);
}

}  // namespace
}  // namespace headroom
