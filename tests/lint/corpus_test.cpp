// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// headroom lint on published launch files (tests/fixtures/lint/real/, sources and licences in
// SOURCES.md) against the findings an operator expects in them (expected.txt, written by reading
// each file before the linter ran: PATH:LINE: CODE, or PATH: clean). Counts a match by file, line
// and rule; HR001 (a value from outside the file: a note, not a landmine) is listed, not
// counted. Prints precision, recall, every false finding and every miss, and asserts the
// findings exactly: any false finding, any miss or a file refused outright fails.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "lint/lint.h"

namespace headroom::lint {
namespace {

namespace fs = std::filesystem;

using Key = std::tuple<std::string, uint32_t, std::string>;  // file, line, rule

const fs::path kCorpus = fs::path(HEADROOM_FIXTURES) / "lint/real";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Expected {
  std::set<Key> findings;
  std::set<std::string> files;  // every file expected.txt speaks of
};

Expected expected(const char* name = "expected.txt") {
  Expected e;
  std::istringstream in(read(kCorpus / name));
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    line = line.substr(0, line.find('#'));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t'))
      line.pop_back();
    if (line.empty()) continue;
    const size_t c1 = line.find(':');
    EXPECT_NE(c1, std::string::npos) << "expected.txt:" << n << ": " << line;
    if (c1 == std::string::npos) continue;
    const std::string file = line.substr(0, c1);
    e.files.insert(file);
    std::string rest = line.substr(c1 + 1);
    rest.erase(0, rest.find_first_not_of(' '));
    if (rest == "clean") continue;
    const size_t c2 = rest.find(':');
    EXPECT_NE(c2, std::string::npos) << "expected.txt:" << n << ": " << line;
    if (c2 == std::string::npos) continue;
    std::string code = rest.substr(c2 + 1);
    code.erase(0, code.find_first_not_of(' '));
    code = code.substr(0, code.find(' '));
    e.findings.insert(Key{file, static_cast<uint32_t>(std::stoul(rest.substr(0, c2))), code});
  }
  return e;
}

TEST(LintCorpus, PublishedFilesAgainstTheExpectedFindings) {
  const Expected want = expected();
  CheckOptions opt;
  opt.unit_root = std::string(HEADROOM_FIXTURES) + "/lint/unit-root";
  opt.read_beside = [](const std::string& path) -> std::optional<std::string> {
    if (!fs::is_regular_file(kCorpus / path)) return std::nullopt;
    return read(kCorpus / path);
  };
  std::set<Key> got;
  std::vector<std::string> refused, notes;
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kCorpus)) {
    if (!entry.is_regular_file()) continue;
    const std::string rel = fs::relative(entry.path(), kCorpus).generic_string();
    if (rel == "SOURCES.md" || rel == "expected.txt" || rel == "baseline.txt" ||
        rel == "known-misses.txt") {
      continue;
    }
    ++files;
    EXPECT_EQ(want.files.count(rel), 1u) << rel << " has no line in expected.txt";
    const std::string text = read(entry.path());
    const FileReport r = lint_text(rel, text, detect_kind(rel, text), opt, Config{});
    if (r.error) {
      refused.push_back(rel + ":" + std::to_string(r.error->pos.line) + ": " + r.error->message);
      continue;
    }
    for (const Finding& f : r.findings) {
      if (f.code != "HR001") {
        got.insert(Key{rel, f.span.begin.line, f.code});
      } else {
        notes.push_back(rel + ":" + std::to_string(f.span.begin.line) + " " + f.message);
      }
    }
  }
  std::vector<Key> tp, fp, fn;
  for (const Key& k : got)
    (want.findings.count(k) ? tp : fp).push_back(k);
  for (const Key& k : want.findings) {
    if (!got.count(k)) fn.push_back(k);
  }
  const double precision = got.empty() ? 1.0 : double(tp.size()) / double(got.size());
  const double recall =
      want.findings.empty() ? 1.0 : double(tp.size()) / double(want.findings.size());
  std::ostringstream report;
  report << "real-world corpus: " << files << " files, " << want.findings.size()
         << " expected findings, " << got.size() << " reported: " << tp.size() << " right, "
         << fp.size() << " false, " << fn.size() << " missed; precision "
         << static_cast<int>(precision * 100 + 0.5) / 100.0 << ", recall "
         << static_cast<int>(recall * 100 + 0.5) / 100.0 << "\n";
  for (const Key& k : fp)
    report << "  false:  " << std::get<0>(k) << ":" << std::get<1>(k) << " " << std::get<2>(k)
           << "\n";
  for (const Key& k : fn)
    report << "  missed: " << std::get<0>(k) << ":" << std::get<1>(k) << " " << std::get<2>(k)
           << "\n";
  for (const std::string& r : refused)
    report << "  refused: " << r << "\n";
  for (const std::string& n : notes)
    report << "  HR001:  " << n << "\n";
  std::cout << report.str();
  EXPECT_TRUE(refused.empty()) << report.str();
  EXPECT_TRUE(fp.empty()) << report.str();
  // The misses are exactly the known ones (known-misses.txt, each with its reason).
  const std::set<Key> known = expected("known-misses.txt").findings;
  EXPECT_EQ(std::set<Key>(fn.begin(), fn.end()), known) << report.str();
  for (const Key& k : known)
    EXPECT_EQ(want.findings.count(k), 1u) << std::get<0>(k) << " is not in expected.txt";
}

}  // namespace
}  // namespace headroom::lint
