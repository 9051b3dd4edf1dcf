// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Page-cache residency and eviction on real files.
#include "probe/pagecache.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "act/evict.h"
#include "helpers/subprocess.h"

namespace headroom {
namespace {

namespace fs = std::filesystem;

class PageCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::scratch_dir() + "/pagecache-" + std::to_string(::getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_ + "/snapshots");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes `mib` MiB, then evicts it so the test starts from a known state.
  std::string write_file(const std::string& name, size_t mib) {
    const std::string path = dir_ + "/" + name;
    const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0644);
    std::string block(1 << 20, 'x');
    for (size_t i = 0; i < mib; ++i)
      EXPECT_EQ(::write(fd, block.data(), block.size()), 1 << 20);
    ::fsync(fd);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
    return path;
  }

  static void read_range(const std::string& path, off_t from, size_t len) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    std::string buf(len, '\0');
    EXPECT_EQ(::pread(fd, buf.data(), len, from), static_cast<ssize_t>(len));
    ::close(fd);
  }

  std::string dir_;
};

TEST_F(PageCacheTest, CountsResidentPagesOfAFile) {
  const std::string f = write_file("model.safetensors", 64);
  auto before = file_residency(f);
  ASSERT_TRUE(before.ok()) << before.error().message;
  EXPECT_EQ(before->size, 64u << 20);
  EXPECT_EQ(before->pages, (64u << 20) / before->page_size);
  EXPECT_EQ(before->resident_pages, 0u);

  read_range(f, 0, 8u << 20);  // the first 8 MiB into the cache
  auto after = file_residency(f);
  ASSERT_TRUE(after.ok());
  EXPECT_GE(after->resident_bytes(), 8u << 20);
  // Readahead may add up to read_ahead_kb (8 MiB on virtio disks), not the rest.
  EXPECT_LE(after->resident_bytes(), 24u << 20);
}

TEST_F(PageCacheTest, CachestatAndMincoreAgree) {
  const std::string f = write_file("shard.safetensors", 32);
  read_range(f, 4u << 20, 6u << 20);
  // A live cache only shrinks while nobody reads (reclaim under the neighbours' pressure), so
  // cachestat's count must lie between mincore's just before and just after; equal when quiet.
  auto slow = file_residency(f, /*force_mincore=*/true);
  auto fast = file_residency(f);  // cachestat(2) where the kernel has it
  auto slow_after = file_residency(f, /*force_mincore=*/true);
  ASSERT_TRUE(fast.ok() && slow.ok() && slow_after.ok());
  EXPECT_GT(slow->resident_pages, 0u);
  EXPECT_LE(fast->resident_pages, slow->resident_pages);
  EXPECT_GE(fast->resident_pages, slow_after->resident_pages);
  if (slow->resident_pages == slow_after->resident_pages) {
    EXPECT_EQ(fast->resident_pages, slow->resident_pages);
  }
  EXPECT_EQ(fast->pages, slow->pages);
}

TEST_F(PageCacheTest, EvictionReleasesAndReportsIt) {
  const std::string f = write_file("a.bin", 8);
  read_range(f, 0, 8u << 20);
  auto ev = evict_files({f});
  ASSERT_TRUE(ev.ok()) << ev.error().message;
  ASSERT_EQ(ev->size(), 1u);
  EXPECT_GT((*ev)[0].before, 0u);
  EXPECT_LE((*ev)[0].before, 8u << 20);  // all of it, less what reclaim may have taken already
  EXPECT_EQ((*ev)[0].after, 0u);
}

TEST_F(PageCacheTest, DirectoriesRecurseAndSymlinksCountOnce) {
  const std::string blob = write_file("blob", 4);
  write_file("snapshots/other", 2);
  fs::create_symlink(blob, dir_ + "/snapshots/model.safetensors");  // Hugging Face cache layout
  auto all = residency_of({dir_});
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 2u) << "the symlink and its target are one file";
  uint64_t size = 0;
  for (const Residency& r : *all)
    size += r.size;
  EXPECT_EQ(size, 6u << 20);
}

TEST_F(PageCacheTest, EmptyAndMissingFiles) {
  const std::string f = write_file("empty", 0);
  auto r = file_residency(f);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->pages, 0u);
  auto missing = residency_of({dir_ + "/nope"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, dir_ + "/nope: No such file or directory");
}

TEST_F(PageCacheTest, DropCachesNeedsRootOrSaysSo) {
  Status st = drop_caches(Root(dir_));  // a fake root: never the real /proc
  if (::geteuid() == 0) {
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().message, dir_ + "/proc/sys/vm/drop_caches: No such file or directory");
    fs::create_directories(dir_ + "/proc/sys/vm");
    { std::ofstream(dir_ + "/proc/sys/vm/drop_caches"); }
    ASSERT_TRUE(drop_caches(Root(dir_)).ok());
    std::ifstream in(dir_ + "/proc/sys/vm/drop_caches");
    std::string v;
    in >> v;
    EXPECT_EQ(v, "3");
  } else {
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("needs root"), std::string::npos);
  }
}

}  // namespace
}  // namespace headroom
