// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// headroom-lagdriver: emulates the slow memory release of a unified-memory GPU driver.
//
// headroom-standin --mem-dir DIR keeps its memory in DIR/standin-<pid>-<nonce>.mem (tmpfs). Those
// pages stay charged to the pool's memory cgroup after the process dies, exactly like memory a GPU
// driver has not torn down yet: there is no moment where they look free. This driver watches DIR,
// and when the owner of a file has died it waits the lag, then frees the file's pages (in --steps
// equal parts spread over the lag, the last at the lag) and removes it.
//
// The lag of each death is drawn from --lag: "3" (fixed seconds), "uniform:1:5", or
// "pareto:XM:ALPHA" (heavy-tailed: most releases near XM seconds, a few much later), with --seed.
// A line "lag SECONDS" on stdin sets the lag of every later death instead (the simulator draws
// the lags itself, so that the same seed gives every policy the same scenario).
// On stdout, times on CLOCK_MONOTONIC, each stamped just BEFORE the pages it names are freed (so
// no reader can see them free earlier than the stamp): one line per step, then one per release,
// whose freed= is the last step's stamp:
//   step pid=4242 k=1/2 at=1235.570 held_mib=300
//   step pid=4242 k=2/2 at=1237.571 held_mib=0
//   released pid=4242 mib=600 died=1234.567 freed=1237.571 lag=3.004 drawn=3.000
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <random>
#include <string>

namespace {

double now_s() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "headroom-lagdriver: %s\n"
               "usage: headroom-lagdriver --dir DIR --lag SECONDS|uniform:A:B|pareto:XM:ALPHA\n"
               "         [--steps N] [--seed S]\n",
               why.c_str());
  std::exit(2);
}

struct Scenario {
  enum Kind { kFixed, kUniform, kPareto } kind = kFixed;
  double a = 0, b = 0;
};

Scenario parse_scenario(const std::string& s) {
  Scenario sc;
  char* end = nullptr;
  if (s.rfind("uniform:", 0) == 0) {
    sc.kind = Scenario::kUniform;
    sc.a = std::strtod(s.c_str() + 8, &end);
    if (*end != ':') usage("--lag uniform:A:B");
    sc.b = std::strtod(end + 1, &end);
  } else if (s.rfind("pareto:", 0) == 0) {
    sc.kind = Scenario::kPareto;
    sc.a = std::strtod(s.c_str() + 7, &end);
    if (*end != ':') usage("--lag pareto:XM:ALPHA");
    sc.b = std::strtod(end + 1, &end);
    if (sc.b <= 0) usage("--lag pareto: ALPHA must be > 0");
  } else {
    sc.a = std::strtod(s.c_str(), &end);
  }
  if (*end != '\0' || sc.a < 0 || sc.b < 0) usage("bad --lag " + s);
  return sc;
}

double draw(const Scenario& sc, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  switch (sc.kind) {
    case Scenario::kFixed:
      return sc.a;
    case Scenario::kUniform:
      return sc.a + (sc.b - sc.a) * u(rng);
    case Scenario::kPareto:
      return sc.a / std::pow(1.0 - u(rng), 1.0 / sc.b);
  }
  return sc.a;
}

// A server holds a shared lock on its file while it lives (in any PID namespace: containers
// too); once the lock can be taken exclusively, the owner is dead.
bool alive(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool held = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  close(fd);
  return held;
}

struct Held {
  double died = -1;       // when the owner was first seen dead
  double lag = 0;         // drawn at death
  int released = 0;       // steps done
  long long size = 0;     // bytes at death
  double last_step = -1;  // the stamp of the last step made
};

volatile sig_atomic_t g_stop = 0;
void on_stop(int) {
  g_stop = 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir, lag = "0";
  int steps = 1;
  unsigned long long seed = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage("missing value for " + a);
      return argv[++i];
    };
    if (a == "--dir")
      dir = value();
    else if (a == "--lag")
      lag = value();
    else if (a == "--steps")
      steps = std::atoi(value().c_str());
    else if (a == "--seed")
      seed = std::strtoull(value().c_str(), nullptr, 10);
    else
      usage("unknown option " + a);
  }
  if (dir.empty()) usage("--dir is required");
  if (steps < 1) usage("--steps must be >= 1");
  const Scenario sc = parse_scenario(lag);
  std::mt19937_64 rng(seed);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  signal(SIGTERM, on_stop);
  signal(SIGINT, on_stop);
  std::printf("lagdriver: watching %s, lag %s, %d step(s), seed %llu\n", dir.c_str(), lag.c_str(),
              steps, seed);

  std::map<std::string, Held> held;
  double forced_lag = -1;  // set by "lag SECONDS" on stdin
  std::string input;
  bool stdin_open = true;
  while (!g_stop) {
    pollfd in{STDIN_FILENO, POLLIN, 0};
    while (stdin_open && poll(&in, 1, 0) > 0) {
      char buf[256];
      const ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
      if (n <= 0) {
        stdin_open = false;
        break;
      }
      input.append(buf, static_cast<size_t>(n));
      for (size_t nl; (nl = input.find('\n')) != std::string::npos; input.erase(0, nl + 1)) {
        double v = 0;
        if (std::sscanf(input.c_str(), "lag %lf", &v) == 1 && v >= 0) forced_lag = v;
      }
    }
    if (DIR* d = opendir(dir.c_str())) {
      while (const dirent* e = readdir(d)) {
        int pid = 0;
        const std::string n = e->d_name;
        if (std::sscanf(e->d_name, "standin-%d", &pid) == 1 && n.size() > 4 &&
            n.compare(n.size() - 4, 4, ".mem") == 0) {
          held.emplace(n, Held{});
        }
      }
      closedir(d);
    }
    const double t = now_s();
    for (auto it = held.begin(); it != held.end();) {
      Held& h = it->second;
      const std::string path = dir + "/" + it->first;
      int pid = 0;
      std::sscanf(it->first.c_str(), "standin-%d", &pid);
      if (h.died < 0) {
        if (alive(path)) {
          ++it;
          continue;
        }
        h.died = t;
        h.lag = forced_lag >= 0 ? forced_lag : draw(sc, rng);
        const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
        h.size = fd >= 0 ? static_cast<long long>(lseek(fd, 0, SEEK_END)) : 0;
        if (fd >= 0) close(fd);
      }
      // Step k of N frees its share at died + lag * k / N.
      while (h.released < steps && t >= h.died + h.lag * (h.released + 1) / steps) {
        ++h.released;
        const long long keep = h.size - h.size * h.released / steps;
        // Stamped before the truncate: the pages cannot be seen free before this moment.
        h.last_step = now_s();
        std::printf("step pid=%d k=%d/%d at=%.6f held_mib=%lld\n", pid, h.released, steps,
                    h.last_step, keep >> 20);
        if (truncate(path.c_str(), keep) != 0 && errno != ENOENT) {
          std::fprintf(stderr, "lagdriver: %s: %s\n", path.c_str(), std::strerror(errno));
        }
      }
      if (h.released == steps) {
        unlink(path.c_str());
        const double freed = h.last_step;
        std::printf("released pid=%d mib=%lld died=%.6f freed=%.6f lag=%.3f drawn=%.3f\n", pid,
                    h.size >> 20, h.died, freed, freed - h.died, h.lag);
        it = held.erase(it);
      } else {
        ++it;
      }
    }
    usleep(10000);  // 10 ms: the release follows the scenario within that
  }
  // Leave nothing charged behind: free whatever is still held.
  for (const auto& [name, h] : held)
    unlink((dir + "/" + name).c_str());
  return 0;
}
