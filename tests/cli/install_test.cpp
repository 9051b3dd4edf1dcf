// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Installation: the man pages and completions say what --help says (they are generated from the
// same definitions; these tests catch a generator that drops or garbles something), `make install
// DESTDIR=…` puts the files in their FHS places, and the .deb installs a working headroom.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>

#include "helpers/subprocess.h"

namespace headroom {
namespace {

namespace fs = std::filesystem;
using test::run;
using test::RunResult;

RunResult headroom(std::vector<std::string> args) {
  return test::run_headroom(std::move(args), {}, test::kPatience);
}

// The subcommands `headroom --help` lists.
std::vector<std::string> subcommands() {
  const std::string help = headroom({"--help"}).out;
  std::vector<std::string> out;
  const size_t at = help.find("\nSubcommands:\n");
  EXPECT_NE(at, std::string::npos) << help;
  std::istringstream in(help.substr(at + 14));
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, std::regex("^  ([a-z]+) "))) out.push_back(m[1]);
  }
  return out;
}

// The long options `headroom SUB --help` lists.
std::set<std::string> options_of(const std::string& sub) {
  const std::string help = headroom({sub, "--help"}).out;
  std::set<std::string> out;
  std::istringstream in(help);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, std::regex("^  (?:-[a-zA-Z],)?(--[a-z][a-z-]*)"))) {
      out.insert(m[1]);
    }
  }
  return out;
}

std::string read(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string fresh(const std::string& name) {
  const std::string d = test::scratch_dir() + "/install-" + name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

TEST(Install, ManPagesSayWhatHelpSays) {
  const auto subs = subcommands();
  ASSERT_GE(subs.size(), 10u);
  const std::string d = fresh("man");
  ASSERT_EQ(headroom({"man", "--dir", d}).exit_code, 0);
  const std::string root = read(d + "/headroom.1");
  for (const std::string& sub : subs) {
    const fs::path page = d + "/headroom-" + sub + ".1";
    ASSERT_TRUE(fs::exists(page)) << page;
    EXPECT_EQ(read(page), headroom({"man", sub}).out);
    EXPECT_NE(root.find("headroom\\-" + sub), std::string::npos) << sub;
    // groff reads it without a warning, and the rendered page lists every option.
    const RunResult w = run({"groff", "-man", "-Tutf8", "-ww", "-z", page.string()});
    ASSERT_NE(w.exit_code, 127) << "groff is missing: scripts/deps.sh installs groff-base";
    EXPECT_EQ(w.exit_code, 0);
    EXPECT_EQ(w.err, "") << page;
    const RunResult text = run({"groff", "-man", "-Tascii", "-P-cbou", page.string()});
    const std::set<std::string> opts = options_of(sub);
    EXPECT_GE(opts.size(), 1u) << sub;
    for (const std::string& o : opts) {
      EXPECT_NE(text.out.find(o), std::string::npos) << sub << " " << o << "\n" << text.out;
    }
  }
  EXPECT_NE(headroom({"man", "nosuch"}).exit_code, 0);
}

TEST(Install, CompletionsOfferWhatHelpLists) {
  const std::string d = fresh("completions");
  for (const std::string shell : {"bash", "zsh", "fish"}) {
    const RunResult r = headroom({"completion", shell});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ofstream(d + "/headroom." + shell) << r.out;
  }
  EXPECT_EQ(headroom({"completion", "tcsh"}).exit_code, 2);
  // bash: what the function offers for a partial word, as bash-completion calls it.
  auto bash = [&](const std::vector<std::string>& words) {
    std::string list;
    for (const std::string& w : words)
      list += " '" + w + "'";
    const std::string script = "source '" + d + "/headroom.bash'; COMP_WORDS=(headroom" + list +
                               "); COMP_CWORD=" + std::to_string(words.size()) +
                               "; _headroom; printf '%s\\n' \"${COMPREPLY[@]}\"";
    return run({"bash", "-c", script}).out;
  };
  EXPECT_EQ(bash({"lin"}), "lint\n");
  EXPECT_EQ(bash({"wait", "--fr"}), "--free\n");
  EXPECT_EQ(bash({"--root", "/x", "unit", "--tem"}), "--template\n");
  EXPECT_EQ(bash({"run", "--free", ""}), "\n");  // a size: nothing to offer
  std::ofstream(d + "/settings.toml") << "";
  EXPECT_EQ(bash({"run", "--config", d + "/settings.t"}), d + "/settings.toml\n");
  EXPECT_EQ(bash({"run", "--", "--fr"}), "\n");  // the server's own words
  const RunResult fish_ok = run({"fish", "--version"});
  ASSERT_NE(fish_ok.exit_code, 127) << "fish is missing: scripts/deps.sh installs it";
  auto fish = [&](const std::string& line) {
    return run({"fish", "--no-config", "-c",
                "source '" + d + "/headroom.fish'; complete -C'" + line + "' | cut -f1"})
        .out;
  };
  EXPECT_EQ(fish("headroom pla"), "plan\n");
  EXPECT_EQ(fish("headroom wait --fr"), "--free\n");
  const RunResult zsh = run({"zsh", "-n", d + "/headroom.zsh"});
  ASSERT_NE(zsh.exit_code, 127) << "zsh is missing: scripts/deps.sh installs it";
  EXPECT_EQ(zsh.exit_code, 0) << zsh.err;
  const std::string zsh_text = read(d + "/headroom.zsh");
  const std::string fish_text = read(d + "/headroom.fish");
  // Every option of every subcommand, in every shell.
  for (const std::string& sub : subcommands()) {
    EXPECT_NE(bash({sub, "--"}).find("--help"), std::string::npos) << sub;
    for (const std::string& o : options_of(sub)) {
      const std::string offered = bash({sub, o});
      EXPECT_NE(offered.find(o + "\n"), std::string::npos) << sub << " " << o << ": " << offered;
      EXPECT_TRUE(zsh_text.find("'" + o + "[") != std::string::npos ||
                  zsh_text.find("'*" + o + "[") != std::string::npos)  // repeatable
          << sub << " " << o;
      if (o != "--help") {
        EXPECT_NE(fish_text.find("from " + sub + "' -l " + o.substr(2) + " "), std::string::npos)
            << sub << " " << o;
      }
    }
  }
}

// `make install DESTDIR=…` (the Makefile generator's install target; `cmake --install` is the
// same step without the build check).
TEST(Install, MakeInstallIntoADestdir) {
  const std::string build = HEADROOM_BUILD_DIR;
  const std::string d = fresh("destdir");
  const RunResult r =
      fs::exists(build + "/Makefile")
          ? run({"make", "-s", "-C", build, "install", "DESTDIR=" + d}, {}, std::chrono::minutes(5))
          : run({"env", "DESTDIR=" + d, "cmake", "--install", build}, {}, std::chrono::minutes(5));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const fs::path root = fs::path(d) / fs::path(HEADROOM_INSTALL_PREFIX).relative_path();
  const std::vector<std::string> files = {
      "bin/headroom",
      "share/man/man1/headroom.1.gz",
      "share/man/man1/headroom-run.1.gz",
      "share/man/man1/headroom-unit.1.gz",
      "share/man/man1/headroom-lint.1.gz",
      "share/bash-completion/completions/headroom",
      "share/zsh/vendor-completions/_headroom",
      "share/fish/vendor_completions.d/headroom.fish",
      "lib/systemd/system/headroom@.service",
      "share/doc/headroom/README.md",
      "share/doc/headroom/examples/headroom/sglang.toml",
      "share/doc/headroom/examples/units/sglang-headroom.service",
      "share/doc/headroom/examples/kubernetes/sglang-deployment.yaml",
      "share/doc/headroom/rules/HR101.md",
      "share/doc/headroom/copyright",
      "share/doc/headroom/changelog.Debian.gz",
  };
  for (const std::string& f : files)
    EXPECT_TRUE(fs::is_regular_file(root / f)) << root / f;
  EXPECT_TRUE(fs::is_directory(fs::path(d) / "etc/headroom"));
  for (const std::string& sub : subcommands()) {
    EXPECT_TRUE(fs::exists(root / ("share/man/man1/headroom-" + sub + ".1.gz"))) << sub;
  }
  const RunResult v = run({(root / "bin/headroom").string(), "--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("headroom ", 0), 0u) << v.out;
  // The template names the installed binary.
  const std::string unit = read(root / "lib/systemd/system/headroom@.service");
  EXPECT_NE(unit.find("ExecStart=" + std::string(HEADROOM_INSTALL_PREFIX) +
                      "/bin/headroom run --config /etc/headroom/%i.toml --name %i\n"),
            std::string::npos)
      << unit;
}

// The .deb: built by CPack from this tree, installed with dpkg -i, a working headroom.
TEST(Install, DebInstallsAWorkingHeadroom) {
  if (::geteuid() != 0) GTEST_SKIP() << "not root: dpkg -i needs root (CI runs as root)";
  if (run({"dpkg-query", "-W", "-f=${Status}", "headroom"}).out.find("installed") !=
      std::string::npos) {
    GTEST_SKIP() << "a headroom package is installed on this machine: not replacing it";
  }
  const std::string d = fresh("deb");
  const RunResult p = run({"cpack", "-G", "DEB", "-B", d, "--config",
                           std::string(HEADROOM_BUILD_DIR) + "/CPackConfig.cmake"},
                          {}, std::chrono::minutes(5));
  ASSERT_EQ(p.exit_code, 0) << p.out << p.err;
  std::string deb;
  for (const auto& e : fs::directory_iterator(d)) {
    if (e.path().extension() == ".deb") deb = e.path().string();
  }
  ASSERT_FALSE(deb.empty()) << p.out;
  const std::string depends = run({"dpkg-deb", "-f", deb, "Depends"}).out;
  EXPECT_NE(depends.find("libc6 (>= "), std::string::npos) << depends;
  if (!HEADROOM_PORTABLE_BUILD) {  // a portable build links the rest in
    for (const char* lib : {"libstdc++6", "libfmt9", "libyaml-cpp0.7"}) {
      EXPECT_NE(depends.find(lib), std::string::npos) << depends;
    }
  }
  EXPECT_EQ(depends.find("libcurl"), std::string::npos) << "libcurl is dlopen'ed: " << depends;
  // As Debian checks a package: no error, no warning (lintian is installed by scripts/deps.sh).
  const RunResult lint =
      run({"lintian", "--fail-on", "error,warning", "--no-tag-display-limit", deb}, {},
          std::chrono::minutes(5));
  ASSERT_NE(lint.exit_code, 127) << "lintian is missing: scripts/deps.sh test installs it";
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  const RunResult i =
      run({"dpkg", "-i", deb}, {"DEBIAN_FRONTEND=noninteractive"}, std::chrono::minutes(3));
  ASSERT_EQ(i.exit_code, 0) << i.out << i.err;
  const std::string bin = std::string(HEADROOM_INSTALL_PREFIX) + "/bin/headroom";
  // Hardened as dpkg-buildflags' hardening=+all: PIE, full RELRO (BIND_NOW), FORTIFY -- where the
  // build is (cmake/Hardening.cmake: not under the sanitizers; FORTIFY needs optimisation).
  if (HEADROOM_HARDENED_BUILD) {
    const std::string dynamic = run({"readelf", "-d", "-W", bin}).out;
    const std::string header = run({"readelf", "-h", "-W", bin}).out;
    const std::string segments = run({"readelf", "-l", "-W", bin}).out;
    EXPECT_NE(header.find("DYN (Position-Independent Executable file)"), std::string::npos)
        << header;
    EXPECT_NE(segments.find("GNU_RELRO"), std::string::npos);
    EXPECT_NE(dynamic.find("BIND_NOW"), std::string::npos) << dynamic;
  } else {
    std::cout
        << "NOTE: not a hardened build (sanitizers or fuzzing): PIE/RELRO/BIND_NOW not checked\n";
  }
  if (HEADROOM_FORTIFIED_BUILD) {
    const std::string symbols = run({"readelf", "--dyn-syms", "-W", bin}).out;
    EXPECT_NE(symbols.find("_chk"), std::string::npos) << "FORTIFY_SOURCE's checked functions";
  }
  const RunResult v = run({bin, "--version"});
  const RunResult s = run({bin, "status", "--root", test::fixtures_dir() + "/gb10"});
  const RunResult listed = run({"dpkg", "-L", "headroom"});
  const RunResult r = run({"dpkg", "--purge", "headroom"}, {}, std::chrono::minutes(3));
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_EQ(v.out, headroom({"--version"}).out);
  EXPECT_EQ(s.exit_code, 0) << s.out << s.err;
  EXPECT_NE(listed.out.find("/lib/systemd/system/headroom@.service"), std::string::npos);
  EXPECT_NE(listed.out.find("/share/man/man1/headroom-run.1.gz"), std::string::npos);
  EXPECT_NE(listed.out.find("/share/doc/headroom/copyright"), std::string::npos);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(bin));
}

}  // namespace
}  // namespace headroom
