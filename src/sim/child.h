// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// A child process with pipes to its stdin and stdout, driven line by line: the simulator's lag
// driver and supervisors, and the tests' helpers.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "act/command.h"

namespace headroom {

struct ChildOptions {
  std::vector<std::string> env;  // "K=V", added to (or replacing in) this environment
  std::string cgroup_dir;        // the child moves itself into this cgroup before exec
  std::string stderr_path;       // redirect stderr (and stdout, with stdout_too) to this file
  bool stdout_too = false;
  bool merge_stderr = false;  // stderr into the stdout pipe (to read both line by line)
  bool own_group = false;     // a process group of its own, so it can be ended whole
};

// How long a child is waited for by default: a guard that turns a hang into a failure, never a
// measure of speed (a slow or emulated machine must not fail what a fast one passes).
inline constexpr std::chrono::minutes kChildPatience{5};

class Child {
 public:
  Child(const std::vector<std::string>& argv, const ChildOptions& options);
  Child(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
        const std::string& cgroup_dir = {});
  ~Child();  // kills (SIGKILL; the whole group with own_group) and reaps if still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // Writes a line to the child's stdin.
  void send(const std::string& line);
  // Reads one line from the child's stdout; empty string on EOF or timeout.
  std::string read_line(std::chrono::milliseconds timeout = kChildPatience);
  // Closes the child's stdin.
  void close_stdin();
  // Waits for exit up to `timeout`; returns the wait status, or -1 on timeout.
  int wait(std::chrono::milliseconds timeout = kChildPatience);
  bool running();
  void kill(int sig);
  void kill_group(int sig);  // its whole process group when started with own_group
  // All of stdout not yet read (after exit).
  std::string drain();

 private:
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1;
  bool reaped_ = false, own_group_ = false;
  std::string buffer_;
};

// A TCP port on 127.0.0.1 that was free a moment ago, for a server about to be started.
int free_tcp_port();

// execve(argv[0]) with `env`, falling back to a PATH search; _exit(127) when both fail.
[[noreturn]] void exec_argv(const std::vector<std::string>& argv,
                            const std::vector<std::string>& env);

}  // namespace headroom
