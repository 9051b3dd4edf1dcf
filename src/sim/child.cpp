// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "sim/child.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace headroom {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<char*> c_argv(const std::vector<std::string>& v) {
  std::vector<char*> out;
  for (const std::string& s : v)
    out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

int free_tcp_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

[[noreturn]] void exec_argv(const std::vector<std::string>& argv,
                            const std::vector<std::string>& env) {
  auto a = c_argv(argv);
  auto e = c_argv(env);
  ::execve(a[0], a.data(), e.data());
  if (std::strchr(a[0], '/') == nullptr) ::execvpe(a[0], a.data(), e.data());
  ::_exit(127);
}

namespace {

int remaining_ms(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

}  // namespace

Child::Child(const std::vector<std::string>& argv, const std::vector<std::string>& env,
             const std::string& cgroup_dir)
    : Child(argv, ChildOptions{env, cgroup_dir, {}, false, false, false}) {}

Child::Child(const std::vector<std::string>& argv, const ChildOptions& o)
    : own_group_(o.own_group) {
  int in_pipe[2], out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  const auto full_env = merged_environment(o.env);
  const std::string procs = o.cgroup_dir.empty() ? std::string() : o.cgroup_dir + "/cgroup.procs";
  pid_ = ::fork();
  if (pid_ == 0) {
    if (o.own_group) ::setpgid(0, 0);
    if (!procs.empty()) {
      const int fd = ::open(procs.c_str(), O_WRONLY);
      if (fd < 0 || ::write(fd, "0\n", 2) != 2) ::_exit(126);
      ::close(fd);
    }
    ::dup2(in_pipe[0], STDIN_FILENO);
    ::dup2(out_pipe[1], STDOUT_FILENO);
    if (o.merge_stderr) ::dup2(out_pipe[1], STDERR_FILENO);
    if (!o.stderr_path.empty()) {
      const int fd = ::open(o.stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        ::dup2(fd, STDERR_FILENO);
        if (o.stdout_too) ::dup2(fd, STDOUT_FILENO);
      }
    }
    exec_argv(argv, full_env);
  }
  if (o.own_group && pid_ > 0) ::setpgid(pid_, pid_);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  in_ = in_pipe[1];
  out_ = out_pipe[0];
}

Child::~Child() {
  if (!reaped_ && pid_ > 0) {
    ::kill(own_group_ ? -pid_ : pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (in_ >= 0) ::close(in_);
  if (out_ >= 0) ::close(out_);
}

void Child::send(const std::string& line) {
  const std::string s = line + "\n";
  if (::write(in_, s.data(), s.size()) != static_cast<ssize_t>(s.size())) {
    throw std::runtime_error("write to child failed");
  }
}

std::string Child::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    pollfd p{out_, POLLIN, 0};
    const int n = ::poll(&p, 1, remaining_ms(deadline));
    if (n <= 0) return {};
    char buf[4096];
    const ssize_t got = ::read(out_, buf, sizeof buf);
    if (got <= 0) return {};
    buffer_.append(buf, static_cast<size_t>(got));
  }
}

void Child::close_stdin() {
  if (in_ >= 0) ::close(in_);
  in_ = -1;
}

int Child::wait(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      return status;
    }
    if (Clock::now() >= deadline) return -1;
    ::usleep(5000);
  }
}

bool Child::running() {
  return wait(std::chrono::milliseconds(0)) == -1;
}

void Child::kill(int sig) {
  ::kill(pid_, sig);
}

void Child::kill_group(int sig) {
  ::kill(own_group_ ? -pid_ : pid_, sig);
}

std::string Child::drain() {
  std::string out = buffer_;
  buffer_.clear();
  char buf[4096];
  for (;;) {
    pollfd p{out_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) break;
    const ssize_t got = ::read(out_, buf, sizeof buf);
    if (got <= 0) break;
    out.append(buf, static_cast<size_t>(got));
  }
  return out;
}

}  // namespace headroom
