// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "sim/supervisors.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <string>

#include "sim/child.h"

namespace headroom {
namespace {

volatile sig_atomic_t g_stop = 0;
void on_stop(int) {
  g_stop = 1;
}

void install_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop;  // no SA_RESTART: waits and sleeps return with EINTR
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
}

// Starts `argv` in a process group of its own; -1 when fork fails.
pid_t start(const std::vector<std::string>& argv, const std::vector<std::string>& env = {}) {
  const auto full = merged_environment(env);
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    exec_argv(argv, full);
  }
  if (pid > 0) setpgid(pid, pid);
  return pid;
}

// Waits for `pid`; on a stop request kills its group and returns -1.
int wait_or_stop(pid_t pid) {
  for (;;) {
    int st = 0;
    const pid_t r = waitpid(pid, &st, 0);
    if (r == pid) return st;
    if (g_stop) {
      kill(-pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      return -1;
    }
    if (r < 0 && errno != EINTR) return 0;
  }
}

// Sleeps `s` seconds; false when interrupted by a stop request.
bool nap(double s) {
  timespec ts{static_cast<time_t>(s), static_cast<long>((s - std::floor(s)) * 1e9)};
  while (nanosleep(&ts, &ts) != 0) {
    if (g_stop) return false;
  }
  return !g_stop;
}

std::string status_text(int st) {
  if (WIFEXITED(st)) return "exit " + std::to_string(WEXITSTATUS(st));
  if (WIFSIGNALED(st)) {
    const int sig = WTERMSIG(st);
    return std::string(sig == SIGKILL   ? "SIGKILL (exit 137)"
                       : sig == SIGSEGV ? "SIGSEGV"
                                        : "signal ") +
           (sig == SIGKILL || sig == SIGSEGV ? "" : std::to_string(sig));
  }
  return "?";
}

void say(const char* who, const std::string& text) {
  std::fprintf(stderr, "%s: %s\n", who, text.c_str());
  std::fflush(stderr);
}

double now_s() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

int naive_supervisor(const std::vector<std::string>& command) {
  install_handlers();
  double backoff = 0.1;
  while (!g_stop) {
    const double started = now_s();
    const pid_t pid = start(command);
    if (pid < 0) break;
    say("naive", "started pid " + std::to_string(pid));
    const int st = wait_or_stop(pid);
    if (st < 0) break;
    kill(-pid, SIGKILL);  // workers of the dead server, as `docker rm -f` would
    if (now_s() - started >= 10) backoff = 0.1;
    say("naive", "pid " + std::to_string(pid) + " died: " + status_text(st) + "; restarting in " +
                     std::to_string(static_cast<int>(backoff * 1000)) + " ms");
    if (!nap(backoff)) break;
    backoff = std::min(backoff * 2, 60.0);
  }
  return 0;
}

int seed_supervisor(const SeedSupervisorOptions& o, const std::vector<std::string>& command) {
  install_handlers();
  std::vector<std::string> env = {"SEED_INTERVAL=" + std::to_string(o.poll_s)};
  if (!o.pool_dir.empty()) env.push_back("SEED_POOL_DIR=" + o.pool_dir);
  const std::vector<std::string> wait_cmd = {"/bin/bash", o.script, std::to_string(o.target),
                                             std::to_string(o.max_wait_s)};
  bool first = true;
  while (!g_stop) {
    if (!first) {
      say("wait-script", "RestartSec: sleeping " + std::to_string(o.delay_s).substr(0, 4) + " s");
      if (!nap(o.delay_s)) break;
    }
    first = false;
    say("wait-script", "ExecStartPre: the wait script polls every " +
                           std::to_string(o.poll_s).substr(0, 4) + " s for " +
                           std::to_string(o.target) + (o.pool_dir.empty() ? " GiB" : " MiB"));
    const pid_t w = start(wait_cmd, env);
    const int st = w < 0 ? -1 : wait_or_stop(w);
    if (st < 0) break;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
      say("wait-script", "the wait timed out: a failed start");
      continue;  // systemd counts a failed start and tries again after RestartSec
    }
    const pid_t pid = start(command);
    if (pid < 0) break;
    say("wait-script", "started pid " + std::to_string(pid));
    const int server = wait_or_stop(pid);
    if (server < 0) break;
    say("wait-script", "pid " + std::to_string(pid) + " died: " + status_text(server));
    kill(-pid, SIGKILL);  // KillMode=control-group
  }
  return 0;
}

}  // namespace headroom
