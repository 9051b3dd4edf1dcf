// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The README's per-engine examples, run as written against the stand-in playing each engine: a
// block after `<!-- readme-test: ENGINE -->` is split into words the way sh would, its programs
// (python3, vllm, llama-server, ollama) found on a PATH of links to the stand-in, and only what
// the test machine cannot have is changed (the memory target, scaled down; an event file). Each
// must become ready -- its health and generation probes passing -- and stop cleanly.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "helpers/events.h"
#include "helpers/subprocess.h"

namespace headroom {
namespace {

namespace fs = std::filesystem;

struct Example {
  std::string engine;
  std::string text;  // the block, continuation lines joined
};

std::vector<Example> readme_examples() {
  std::ifstream in(std::string(HEADROOM_SOURCE_DIR) + "/README.md");
  std::vector<Example> out;
  std::string line;
  const std::string marker = "<!-- readme-test: ";
  while (std::getline(in, line)) {
    if (line.rfind(marker, 0) != 0) continue;
    Example e;
    e.engine = line.substr(marker.size(), line.find(' ', marker.size()) - marker.size());
    if (!std::getline(in, line) || line != "```sh") continue;
    while (std::getline(in, line) && line != "```") {
      if (!line.empty() && line.back() == '\\') {
        e.text += line.substr(0, line.size() - 1);
      } else {
        e.text += line + "\n";
      }
    }
    out.push_back(e);
  }
  return out;
}

// sh's word splitting for what the README uses: blanks, '…' and "…" quoting, backslashes.
std::vector<std::string> sh_words(const std::string& text) {
  std::vector<std::string> out;
  std::string w;
  bool in_word = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\'') {
      const size_t end = text.find('\'', i + 1);
      w += text.substr(i + 1, end - i - 1);
      i = end;
      in_word = true;
    } else if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        w += text[i];
      }
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) out.push_back(w);
      w.clear();
      in_word = false;
    } else {
      w += c;
      in_word = true;
    }
  }
  if (in_word) out.push_back(w);
  return out;
}

TEST(Readme, EachEngineExampleRunsAsWritten) {
  const std::vector<Example> examples = readme_examples();
  std::map<std::string, int> seen;
  for (const Example& e : examples)
    seen[e.engine]++;
  EXPECT_EQ(seen, (std::map<std::string, int>{
                      {"llamacpp", 1}, {"ollama", 1}, {"sglang", 2}, {"vllm", 1}}));
  // The engines' own names, linked to the stand-in.
  const std::string bin = test::scratch_dir() + "/readme-bin-" + std::to_string(::getpid());
  fs::create_directories(bin);
  for (const char* name : {"python3", "vllm", "llama-server", "ollama"}) {
    std::error_code ec;
    fs::create_symlink(test::sim_bin("headroom-standin"), bin + "/" + name, ec);
  }
  const std::string path = bin + ":" + std::getenv("PATH");
  for (const Example& e : examples) {
    SCOPED_TRACE(e.engine + ": " + e.text);
    std::vector<std::string> words = sh_words(e.text);
    ASSERT_GE(words.size(), 3u);
    ASSERT_EQ(words[0], "headroom");
    ASSERT_EQ(words[1], "run");
    words[0] = test::headroom_bin();
    for (size_t i = 2; i + 1 < words.size() && words[i] != "--"; ++i) {
      if (words[i] == "--free") words[i + 1] = "64M";  // this machine is not a 128 GB GB10
    }
    const std::string ev =
        test::scratch_dir() + "/readme-" + e.engine + "-" + std::to_string(::getpid()) + ".jsonl";
    fs::remove(ev);
    words.insert(words.begin() + 2, {"--no-gpu", "--events", ev, "--settle", "0"});
    ChildOptions o;
    o.env = {"PATH=" + path, "HEADROOM_STANDIN=--load 0.3 --model gpt-oss:120b"};
    o.merge_stderr = true;
    test::Child hr(words, o);
    const nlohmann::json ready = test::wait_event(ev, test::event_is("ready"));
    EXPECT_FALSE(ready.is_null()) << hr.drain();
    EXPECT_GT(ready.value("seconds", 0.0), 0.0) << "ready from its probes, not by starting";
    hr.kill(SIGTERM);
    const int status = hr.wait();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << hr.drain();
  }
  fs::remove_all(bin);
}

}  // namespace
}  // namespace headroom
