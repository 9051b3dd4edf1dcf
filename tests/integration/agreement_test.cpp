// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// headroom agrees with the tools operators already trust: free(1) and vmtouch.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>

#include "core/size.h"
#include "helpers/subprocess.h"

namespace headroom {
namespace {

using test::run;

nlohmann::json status_json(std::vector<std::string> extra) {
  std::vector<std::string> args = {test::headroom_bin(), "status", "--no-gpu", "--json",
                                   "--cgroup",           "/"};
  args.insert(args.end(), extra.begin(), extra.end());
  const test::RunResult r = run(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

TEST(Agreement, StatusMatchesFree) {
  const test::RunResult free_b = run({"free", "-b"});
  ASSERT_EQ(free_b.exit_code, 0) << "free(1) from procps: " << free_b.err;
  const auto j = status_json({});
  // "Mem:  total used free shared buff/cache available"
  std::istringstream in(free_b.out);
  std::string line, label;
  uint64_t total = 0, used = 0, free_ = 0, shared = 0, cache = 0, available = 0;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    if (l >> label && label == "Mem:") l >> total >> used >> free_ >> shared >> cache >> available;
  }
  ASSERT_GT(total, 0u) << free_b.out;
  EXPECT_EQ(j["meminfo"]["MemTotal"].get<uint64_t>(), total);
  EXPECT_EQ(j["pool"]["total_bytes"].get<uint64_t>(), total);
  // Two separate reads of a live system: allow 64 MiB of drift.
  const auto ours = j["pool"]["available_bytes"].get<int64_t>();
  EXPECT_LE(std::llabs(ours - static_cast<int64_t>(available)), static_cast<int64_t>(64 * kMiB))
      << "headroom " << ours << " vs free " << available;
}

class VmtouchAgreement : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run({"vmtouch", "-h"}).exit_code == 127) {
      FAIL() << "vmtouch is missing: install it (scripts/deps.sh does, as the test script runs)";
    }
    file_ = test::scratch_dir() + "/vmtouch-" + std::to_string(::getpid()) + ".bin";
    const int fd = ::open(file_.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0644);
    std::string block(1 << 20, 'w');
    for (int i = 0; i < 64; ++i)
      ASSERT_EQ(::write(fd, block.data(), block.size()), 1 << 20);
    ::fsync(fd);
    ::close(fd);
  }
  void TearDown() override { std::filesystem::remove(file_); }

  // "Resident Pages: 6144/16384  24M/64M  37.5%"
  std::pair<uint64_t, uint64_t> vmtouch_pages() {
    const test::RunResult r = run({"vmtouch", "-f", file_});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const size_t at = r.out.find("Resident Pages:");
    EXPECT_NE(at, std::string::npos) << r.out;
    std::istringstream in(r.out.substr(at + 15));
    uint64_t resident = 0, total = 0;
    char slash = 0;
    in >> resident >> slash >> total;
    return {resident, total};
  }

  std::pair<uint64_t, uint64_t> headroom_pages() {
    const auto j = status_json({"--files", file_});
    return {j["files"][0]["cached_pages"].get<uint64_t>(), j["files"][0]["pages"].get<uint64_t>()};
  }

  // Reads the first `bytes` without readahead: an asynchronous readahead beyond them could land
  // after a later eviction and bring pages back (seen: 896 pages after `vmtouch -e`).
  void read_first(size_t bytes) {
    const int fd = ::open(file_.c_str(), O_RDONLY);
    ASSERT_EQ(::posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM), 0);
    std::string buf(bytes, '\0');
    ASSERT_EQ(::pread(fd, buf.data(), bytes, 0), static_cast<ssize_t>(bytes));
    ::close(fd);
  }

  std::string file_;
};

TEST_F(VmtouchAgreement, ResidencyBeforeAndAfterEviction) {
  ASSERT_EQ(run({"vmtouch", "-e", file_}).exit_code, 0);
  read_first(24u << 20);
  // Two tools reading a live page cache at two moments (reclaim or late readahead may move a
  // few pages between them): headroom's count must lie between vmtouch's before and after.
  const auto theirs = vmtouch_pages();
  const auto ours = headroom_pages();
  const auto theirs_after = vmtouch_pages();
  EXPECT_EQ(ours.second, theirs.second) << "pages in the file";
  EXPECT_GE(ours.first, std::min(theirs.first, theirs_after.first));
  EXPECT_LE(ours.first, std::max(theirs.first, theirs_after.first));
  EXPECT_GE(ours.first, (24u << 20) / static_cast<uint64_t>(::sysconf(_SC_PAGESIZE)));

  // Evict through headroom wait --evict, then both must see nothing resident. What it released
  // is at most what vmtouch saw just before (the kernel may reclaim pages meanwhile, never add).
  const auto theirs_before_evict = vmtouch_pages();
  const test::RunResult w = run({test::headroom_bin(), "wait", "--no-gpu", "--cgroup", "/",
                                 "--free", "1M", "--settle", "0", "--evict", file_, "--json"});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  const auto j = nlohmann::json::parse(w.out);
  EXPECT_GT(j["evicted_bytes"].get<uint64_t>(), 0u);
  EXPECT_LE(j["evicted_bytes"].get<uint64_t>(),
            theirs_before_evict.first * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE)));
  EXPECT_EQ(vmtouch_pages().first, 0u);
  EXPECT_EQ(headroom_pages().first, 0u);
}

// headroom cache FILE agrees with vmtouch on the same file, before and after its own --evict.
TEST_F(VmtouchAgreement, CacheCommandBeforeAndAfterEviction) {
  ASSERT_EQ(run({"vmtouch", "-e", file_}).exit_code, 0);
  read_first(40u << 20);
  const auto theirs = vmtouch_pages();
  const test::RunResult c = run({test::headroom_bin(), "cache", "--json", file_});
  const auto theirs_after = vmtouch_pages();
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const auto j = nlohmann::json::parse(c.out);
  const auto ours = j["files"][0]["resident_pages"].get<uint64_t>();
  EXPECT_GE(ours, std::min(theirs.first, theirs_after.first));  // see above: a live cache
  EXPECT_LE(ours, std::max(theirs.first, theirs_after.first));
  EXPECT_EQ(j["files"][0]["pages"].get<uint64_t>(), theirs.second);
  EXPECT_EQ(j["total"]["resident_pages"].get<uint64_t>(), ours);

  // Nothing reads the file between here and the eviction, so its cache can only shrink (the
  // kernel may reclaim some of it meanwhile: CI once saw 274 pages go between these two calls).
  // What --evict found resident lies at or under vmtouch's count just before, and what it
  // released is what it found less what was left.
  const auto theirs_before_evict = vmtouch_pages();
  const test::RunResult e = run({test::headroom_bin(), "cache", "--evict", "--json", file_});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const auto ej = nlohmann::json::parse(e.out);
  const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  const uint64_t found = ej["total"]["resident_bytes"].get<uint64_t>();
  EXPECT_GT(found, 0u);
  EXPECT_LE(found, theirs_before_evict.first * page);
  EXPECT_EQ(ej["released_bytes"].get<uint64_t>(),
            found - ej["total"]["resident_bytes_after"].get<uint64_t>());
  EXPECT_EQ(ej["total"]["resident_bytes_after"].get<uint64_t>(), 0u);
  EXPECT_EQ(vmtouch_pages().first, 0u);
  // And vmtouch's own eviction is seen by headroom cache.
  read_first(8u << 20);
  ASSERT_EQ(run({"vmtouch", "-e", file_}).exit_code, 0);
  const auto after =
      nlohmann::json::parse(run({test::headroom_bin(), "cache", "--json", file_}).out);
  EXPECT_EQ(after["total"]["resident_pages"].get<uint64_t>(), 0u);
}

}  // namespace
}  // namespace headroom
