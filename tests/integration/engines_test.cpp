// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `headroom run` against the stand-in playing each engine (SGLang, vLLM, llama-server, Ollama):
// how they load, what their probes want, how they wedge and die. One test per finding of the
// engines issue: a stopped server, an impossible target, a rejected probe, a death that repeats,
// eviction once ready and what mapped pages keep.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "core/size.h"
#include "helpers/events.h"
#include "helpers/subprocess.h"
#include "integration/pool_fixture.h"

namespace headroom {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::Child;

// A directory of links to the stand-in under the engines' own names: started as `llama-server`,
// `vllm serve`, `ollama serve` or `sglang serve` it plays that engine, and headroom (and lint)
// recognise the command line as that engine's.
std::string engine(const std::string& name) {
  const std::string dir = test::scratch_dir() + "/engines-" + std::to_string(::getpid());
  fs::create_directories(dir);
  const std::string link = dir + "/" + name;
  std::error_code ec;
  if (!fs::exists(link, ec)) fs::create_symlink(test::sim_bin("headroom-standin"), link, ec);
  return link;
}

std::string events_file(const std::string& tag) {
  const std::string p =
      test::scratch_dir() + "/engines-" + tag + "-" + std::to_string(::getpid()) + ".jsonl";
  fs::remove(p);
  return p;
}

// headroom run with its stderr in the same pipe, so its lines can be waited for.
std::unique_ptr<Child> supervise(std::vector<std::string> args, std::vector<std::string> env = {}) {
  args.insert(args.begin(), {test::headroom_bin(), "run", "--no-gpu", "--no-lint"});
  ChildOptions o;
  o.env = std::move(env);
  o.merge_stderr = true;
  return std::make_unique<Child>(args, o);
}

// Reads lines until one contains `needle`; everything read is kept in `log`.
bool read_until(Child& c, const std::string& needle, std::string& log) {
  for (std::string line; !(line = c.read_line()).empty();) {
    log += line + "\n";
    if (line.find(needle) != std::string::npos) return true;
  }
  return false;
}

int main_pid_of(const json& started) {
  return started.value("pid", 0);
}

// A SIGSTOPped server acts on no signal until continued: headroom sends SIGCONT right after its
// stop signal, so a one-hour --stop-timeout does not hold the restart (without SIGCONT, SIGTERM
// stays pending on the stopped process and this test waits out its guard).
TEST(Engines, AStoppedServerIsRestartedWhateverTheStopTimeout) {
  const int port = free_tcp_port();
  const std::string ev = events_file("stopped");
  auto hr = supervise({"--settle",
                       "0",
                       "--events",
                       ev,
                       "--health",
                       "auto",
                       "--health-interval",
                       "200ms",
                       "--health-timeout",
                       "200ms",
                       "--health-failures",
                       "3",
                       "--stop-timeout",
                       "1h",
                       "--",
                       engine("llama-server"),
                       "-m",
                       "/m.gguf",
                       "--port",
                       std::to_string(port)});
  const json first = test::wait_event(ev, test::event_is("ready"));
  ASSERT_FALSE(first.is_null());
  const json started = test::wait_event(ev, test::event_is("started", 1));
  ASSERT_EQ(::kill(main_pid_of(started), SIGSTOP), 0);
  const json died = test::wait_event(ev, test::event_is("died"));
  ASSERT_FALSE(died.is_null());
  EXPECT_EQ(died.value("reason", ""), "wedged");
  EXPECT_EQ(died.value("verdict", "").find("SIGKILL"), std::string::npos)
      << "SIGTERM ended it once continued: " << died.dump();
  const json stopping = test::wait_event(ev, test::event_is("stopping"));
  EXPECT_EQ(stopping.value("text", "").rfind("wedged: 3 health checks failed in a row", 0), 0u)
      << "the reason, said before the signal: " << stopping.dump();
  EXPECT_FALSE(test::wait_event(ev, test::event_is("started", 2)).is_null()) << "restarted";
  hr->kill(SIGTERM);
  EXPECT_NE(hr->wait(), -1);
}

// --free above what the pool can ever hold: an error at once, naming both figures, before any
// start (run) or any waiting (wait).
TEST(Engines, ATargetAboveThePoolIsAnErrorAtOnce) {
  HEADROOM_POOL(pool, "headroom-test-impossible", 512 * kMiB);
  const test::RunResult w = test::run({test::headroom_bin(), "wait", "--no-gpu", "--cgroup",
                                       pool.name(), "--free", "600M", "--timeout", "1h"});
  EXPECT_EQ(w.exit_code, 2);
  EXPECT_NE(w.err.find("the target 600 MiB can never be met: the pool is 512 MiB in all"),
            std::string::npos)
      << w.err;
  const std::string ev = events_file("impossible");
  const test::RunResult r =
      test::run({test::headroom_bin(), "run", "--no-gpu", "--no-lint", "--cgroup", pool.name(),
                 "--free", "600M", "--timeout", "1h", "--events", ev, "--", "/bin/true"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("gave up: the target 600 MiB can never be met: the pool is 512 MiB in all"),
            std::string::npos)
      << r.err;
  for (const json& e : test::read_events(ev)) {
    EXPECT_NE(e.value("event", ""), "started") << "nothing started";
  }
}

// SGLang's /generate body to llama-server: 400 '"prompt" must be provided', every time. Said in
// the log with the server's words, counted in /metrics, listed by headroom why, and the run ends
// as a configuration error (exit 2) rather than waiting out the startup timeout.
TEST(Engines, ARejectedProbeIsReportedEverywhere) {
  const int port = free_tcp_port();
  const int metrics = free_tcp_port();
  const std::string ev = events_file("rejected");
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  auto hr = supervise({"--settle",
                       "0",
                       "--events",
                       ev,
                       "--health",
                       url + "/health",
                       "--probe-post",
                       url + "/completion",
                       "--probe-body",
                       R"({"text":"hi","sampling_params":{"max_new_tokens":1}})",
                       "--health-failures",
                       "50",
                       "--metrics",
                       std::to_string(metrics),
                       "--",
                       engine("llama-server"),
                       "-m",
                       "/m.gguf",
                       "--port",
                       std::to_string(port)});
  std::string log;
  ASSERT_TRUE(read_until(*hr, "generate probe: HTTP 400", log)) << log;
  EXPECT_NE(log.find(R"(\"prompt\" must be provided)"), std::string::npos) << log;
  EXPECT_NE(log.find("the server rejects the request itself"), std::string::npos) << log;
  std::string m;
  for (int i = 0; i < 10000 && m.find("result=\"http_400\"") == std::string::npos; ++i)
    m = test::http_get(metrics, "/metrics");
  EXPECT_NE(m.find(R"(headroom_probe_failures_total{probe="generate",result="http_400"})"),
            std::string::npos)
      << m;
  const test::RunResult why = test::run({test::headroom_bin(), "why", "--events", ev});
  EXPECT_NE(why.out.find("generate probe: HTTP 400"), std::string::npos) << why.out;
  const int status = hr->wait();
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 2) << "a configuration error: " << hr->drain();
  const json gave_up = test::wait_event(ev, test::event_is("gave_up"));
  EXPECT_EQ(gave_up.value("reason", ""), "probe_rejected") << gave_up.dump();
}

// A KV cache larger than the pool: OOM-killed at load, twice, holding the same. "Does not fit",
// not a slow walk to the start limit.
TEST(Engines, TwoIdenticalOomDeathsAtLoadDoNotFit) {
  HEADROOM_POOL(pool, "headroom-test-nofit", 256 * kMiB);
  const int port = free_tcp_port();
  const std::string ev = events_file("nofit");
  const test::RunResult r = test::run({test::headroom_bin(),
                                       "run",
                                       "--no-gpu",
                                       "--no-lint",
                                       "--settle",
                                       "0",
                                       "--burst",
                                       "5",
                                       "--events",
                                       ev,
                                       "--health",
                                       "http://127.0.0.1:" + std::to_string(port) + "/health",
                                       "--",
                                       test::sim_bin("headroom-standin"),
                                       "--port",
                                       std::to_string(port),
                                       "--join-cgroup",
                                       pool.dir(),
                                       "--memory",
                                       "400",
                                       "--alloc",
                                       "anon"});
  EXPECT_EQ(r.exit_code, 137) << r.err;
  int starts = 0;
  for (const json& e : test::read_events(ev))
    starts += e.value("event", "") == "started";
  EXPECT_EQ(starts, 2) << "not the whole burst of 5";
  const json gave_up = test::wait_event(ev, test::event_is("gave_up"));
  EXPECT_EQ(gave_up.value("reason", ""), "does_not_fit") << gave_up.dump();
  const std::string verdict = gave_up.value("verdict", "");
  EXPECT_EQ(verdict.rfind("the server does not fit: it died the same way while loading 2 times in "
                          "a row, holding ",
                          0),
            0u)
      << verdict;
  EXPECT_NE(verdict.find("used of its 256 MiB limit"), std::string::npos)
      << "the kernel's numbers: " << verdict;
}

// llama.cpp maps its GGUF: evicting before a start would force a cold read, so headroom evicts
// once the server is ready (its default for llama-server), when a full offload has unmapped the
// file; what a server keeps mapped stays cached, and headroom says by whom.
TEST(Engines, EvictionOnceReadyAndWhatMappedPagesKeep) {
  const std::string weights = test::scratch_dir() + "/weights-" + std::to_string(::getpid());
  {
    std::ofstream f(weights, std::ios::binary);
    const std::string block(1 << 20, 'w');
    for (int i = 0; i < 16; ++i)
      f << block;
  }
  auto resident = [&] {
    const test::RunResult c = test::run({test::headroom_bin(), "cache", "--json", weights});
    return json::parse(c.out)["total"]["resident_bytes"].get<uint64_t>();
  };
  for (const bool keep : {false, true}) {
    const int port = free_tcp_port();
    const std::string ev = events_file(keep ? "mapped" : "evict");
    const std::string standin_flags =
        std::string("--weights ") + weights + (keep ? " --keep-mapped" : "");
    auto hr =
        supervise({"--settle", "0", "--events", ev, "--health", "auto", "--evict", weights, "--",
                   engine("llama-server"), "-m", weights, "--port", std::to_string(port)},
                  {"HEADROOM_STANDIN=" + standin_flags});
    std::string log;
    ASSERT_TRUE(read_until(*hr, "now that the server is ready", log)) << log;
    EXPECT_NE(log.find("--evict: once llama.cpp is ready, not before each start"),
              std::string::npos)
        << "the engine's default, said: " << log;
    EXPECT_EQ(log.find("before the start"), std::string::npos) << "no before-start eviction";
    if (!keep) {
      EXPECT_NE(log.find(": 16.0 MiB released"), std::string::npos) << log;
      EXPECT_EQ(resident(), 0u);
    } else {
      ASSERT_TRUE(read_until(*hr, "stays cached", log)) << log;
      EXPECT_NE(log.find("16.0 MiB of " + weights + " stays cached: mapped by pid "),
                std::string::npos)
          << log;
      EXPECT_NE(log.find("(llama-server)"), std::string::npos) << log;
      EXPECT_GT(resident(), 0u);
    }
    hr->kill(SIGTERM);
    EXPECT_NE(hr->wait(), -1);
  }
  fs::remove(weights);
}

// The engines' own loading answers and generation bodies, each as headroom's probes meet them:
// vLLM refuses while loading and its /health passes on a wedged engine (only the generation probe
// sees it); Ollama's probe names the model and its first answer is the load.
TEST(Engines, VllmWedgeIsSeenOnlyByTheGenerationProbe) {
  const int port = free_tcp_port();
  const std::string ev = events_file("vllm");
  auto hr = supervise({"--settle",
                       "0",
                       "--events",
                       ev,
                       "--health",
                       "auto",
                       "--probe-post",
                       "auto",
                       "--health-interval",
                       "200ms",
                       "--health-timeout",
                       "300ms",
                       "--stop-timeout",
                       "1s",
                       "--",
                       engine("vllm"),
                       "serve",
                       "Qwen/Qwen3-8B",
                       "--port",
                       std::to_string(port)},
                      {"HEADROOM_STANDIN=--load 0.5 --wedge-after 2"});
  const json died = test::wait_event(ev, test::event_is("died"));
  ASSERT_FALSE(died.is_null());
  EXPECT_EQ(died.value("reason", ""), "wedged") << died.dump();
  EXPECT_NE(died.value("verdict", "").find("generate probe: no answer within 300ms"),
            std::string::npos)
      << died.dump();
  bool refused = false;
  for (const json& e : test::read_events(ev)) {
    refused |= e.value("event", "") == "probe" && e.value("result", "") == "refused";
  }
  EXPECT_TRUE(refused) << "vLLM refuses connections while it loads";
  hr->kill(SIGTERM);
  EXPECT_NE(hr->wait(), -1);
}

TEST(Engines, OllamaIsProbedWithItsModel) {
  const int port = free_tcp_port();
  const std::string ev = events_file("ollama");
  auto hr = supervise(
      {"--settle", "0", "--events", ev, "--health", "auto", "--probe-post", "auto", "--probe-body",
       R"({"model":"qwen3:8b","prompt":"hi","stream":false,"options":{"num_predict":1}})",
       "--health-timeout", "30s", "--", engine("ollama"), "serve"},
      {"OLLAMA_HOST=127.0.0.1:" + std::to_string(port),
       "HEADROOM_STANDIN=--load 0.5 --model qwen3:8b"});
  const json ready = test::wait_event(ev, test::event_is("ready"));
  ASSERT_FALSE(ready.is_null());
  EXPECT_GE(ready.value("seconds", 0.0), 0.5) << "ready once the probe's request loaded the model";
  hr->kill(SIGTERM);
  EXPECT_NE(hr->wait(), -1);
}

}  // namespace
}  // namespace headroom
