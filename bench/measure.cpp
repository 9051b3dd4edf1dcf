// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// measure [--quiet] -- CMD ARGS...: runs CMD and prints what it cost, as one line of key=value
// pairs (--quiet sends CMD's own output to /dev/null):
//   wall_s=30.01 cpu_s=0.041 cpu_pct=0.14 max_rss_kib=3712 exit=1
// CPU is user+system of CMD and every descendant it waited for (a shell loop's `free`, `awk` and
// `sleep` included); max_rss_kib is the largest resident set among them (getrusage ru_maxrss).
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  int first = 1;
  bool quiet = false;
  if (first < argc && std::strcmp(argv[first], "--quiet") == 0) {
    quiet = true;
    ++first;
  }
  if (first < argc && std::strcmp(argv[first], "--") == 0) ++first;
  if (first >= argc) {
    std::fprintf(stderr, "usage: measure [--quiet] -- CMD ARGS...\n");
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    if (quiet) {
      const int null = open("/dev/null", O_WRONLY);
      dup2(null, STDOUT_FILENO);
      dup2(null, STDERR_FILENO);
    }
    execvp(argv[first], argv + first);
    std::perror(argv[first]);
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rusage children{};
  getrusage(RUSAGE_CHILDREN, &children);  // the child and all it reaped
  const double cpu =
      static_cast<double>(children.ru_utime.tv_sec + children.ru_stime.tv_sec) +
      static_cast<double>(children.ru_utime.tv_usec + children.ru_stime.tv_usec) / 1e6;
  std::printf("wall_s=%.3f cpu_s=%.4f cpu_pct=%.3f max_rss_kib=%ld exit=%d\n", wall, cpu,
              100.0 * cpu / wall, children.ru_maxrss,
              WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  return 0;
}
