// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The one filesystem helper: roots, and re-reading files whole.
#include "probe/fs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include "helpers/subprocess.h"

namespace headroom {
namespace {

TEST(Root, JoinsAndStrips) {
  const Root fixture("/srv/fixtures/gb10/");
  EXPECT_EQ(fixture.path("/proc/meminfo"), "/srv/fixtures/gb10/proc/meminfo");
  EXPECT_EQ(fixture.path("relative"), "relative");
  EXPECT_EQ(fixture.strip("/srv/fixtures/gb10/sys/fs/cgroup"), "/sys/fs/cgroup");
  EXPECT_EQ(fixture.strip("/srv/fixtures/gb10"), "/");
  EXPECT_EQ(fixture.strip("/srv/fixtures/gb100/x"), "/srv/fixtures/gb100/x");
  const Root system;
  EXPECT_TRUE(system.is_system());
  EXPECT_EQ(system.path("/proc/meminfo"), "/proc/meminfo");
}

TEST(ProcFile, ReadsFilesLargerThanTheBufferWhole) {
  const std::string path = test::scratch_dir() + "/procfile-" + std::to_string(::getpid());
  std::string content;
  for (int i = 0; i < 2000; ++i)
    content += "line " + std::to_string(i) + " of a long file\n";
  ASSERT_GT(content.size(), 20000u);
  { std::ofstream(path) << content; }
  auto f = ProcFile::open(path);
  ASSERT_TRUE(f.ok());
  for (int round = 0; round < 3; ++round) {
    auto text = f->read();
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(*text, content) << "round " << round;
  }
  std::remove(path.c_str());
}

TEST(ProcFile, ReadsKernelFilesLargerThanAPageWhole) {
  // /proc/self/smaps of a test process spans many pages of seq_file records.
  auto f = ProcFile::open("/proc/self/smaps");
  ASSERT_TRUE(f.ok());
  auto text = f->read();
  ASSERT_TRUE(text.ok());
  EXPECT_GT(text->size(), 8192u);
  EXPECT_EQ(text->back(), '\n');
  EXPECT_NE(text->find("[stack]"), std::string_view::npos) << "the last mappings are there";
}

TEST(ProcFile, ReopenSeesANewFile) {
  const std::string path = test::scratch_dir() + "/reopen-" + std::to_string(::getpid());
  { std::ofstream(path) << "old\n"; }
  auto f = ProcFile::open(path);
  ASSERT_TRUE(f.ok());
  std::remove(path.c_str());
  { std::ofstream(path) << "new\n"; }
  EXPECT_EQ(*f->read(), "old\n") << "the open file is the removed one";
  ASSERT_TRUE(f->reopen().ok());
  EXPECT_EQ(*f->read(), "new\n");
  std::remove(path.c_str());
  EXPECT_EQ(f->reopen().error().sys_errno, ENOENT);
}

TEST(ProcFile, ErrorsNameThePath) {
  auto f = ProcFile::open("/nonexistent/file");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().message, "/nonexistent/file: No such file or directory");
  EXPECT_EQ(f.error().sys_errno, ENOENT);
  auto dir = ProcFile::open("/proc");
  ASSERT_TRUE(dir.ok());
  auto text = dir->read();
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().message, "/proc: Is a directory");
}

// read_file: a kernel file larger than its first chunk is read whole; a file of exactly the limit
// is read, one byte more is refused with EFBIG and says so.
TEST(ReadFile, ReadsWholeAndRefusesPastItsLimit) {
  auto maps = read_file("/proc/self/maps");
  ASSERT_TRUE(maps.ok()) << maps.error().message;
  EXPECT_EQ(maps->back(), '\n');
  const std::string path = test::scratch_dir() + "/readfile-" + std::to_string(::getpid());
  const std::string content(10000, 'x');
  { std::ofstream(path) << content; }
  auto whole = read_file(path, content.size());
  ASSERT_TRUE(whole.ok()) << whole.error().message;
  EXPECT_EQ(*whole, content);
  auto over = read_file(path, content.size() - 1);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().sys_errno, EFBIG);
  EXPECT_EQ(over.error().message, path + ": larger than 9999 bytes");
  auto head = read_head(path, 100);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(*head, content.substr(0, 100));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace headroom
