// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "act/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "probe/processes.h"

namespace headroom {
namespace {

// One write(2), no allocation: safe between fork and exec.
void write_text(const char* path, const std::string& text) {
  const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  (void)!::write(fd, text.data(), text.size());
  ::close(fd);
}

void close_from(int first) {
  if (::syscall(SYS_close_range, first, ~0U, 0) == 0) return;
  for (int fd = first; fd < 4096; ++fd)
    ::close(fd);
}

// The guardian: detached from headroom's tree and terminal, it reads the server's process group
// from the pipe and, once the pipe closes (headroom exited or was killed), SIGKILLs that group.
[[noreturn]] void guardian_main(int read_fd) {
  ::setsid();
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT})
    ::signal(sig, SIG_IGN);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::dup2(read_fd, 3);
  close_from(4);
  ::prctl(PR_SET_NAME, "headroom-guard", 0, 0, 0);
  pid_t pgid = 0;
  for (;;) {
    pid_t next = 0;
    const ssize_t n = ::read(3, &next, sizeof next);
    if (n == sizeof next) {
      pgid = next;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;  // EOF: headroom is gone
  }
  if (pgid > 0) ::kill(-pgid, SIGKILL);
  ::_exit(0);
}

}  // namespace

Result<ProcessTree> ProcessTree::create(const Root& root) {
  ProcessTree t;
  t.root_ = root;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return sys_error("pipe", errno);
  const pid_t first = ::fork();
  if (first < 0) return sys_error("fork", errno);
  if (first == 0) {
    // Double fork: the guardian is orphaned before headroom becomes a subreaper, so it is
    // adopted outside headroom's tree and never counts as part of the server.
    ::close(fds[1]);
    const pid_t g = ::fork();
    if (g == 0) guardian_main(fds[0]);
    ::_exit(g < 0 ? 1 : 0);
  }
  ::close(fds[0]);
  int st = 0;
  ::waitpid(first, &st, 0);
  t.guardian_fd_ = fds[1];
  if (auto adj = read_file("/proc/self/oom_score_adj"); adj) {
    t.oom_score_adj_ = *adj;
    write_text("/proc/self/oom_score_adj", "-999\n");  // needs CAP_SYS_RESOURCE; fine without
  }
  // A kernel or emulator without it (qemu-user before 8.0 answers EINVAL) still gets a supervisor:
  // the server's own group is followed; only workers it orphans go untracked.
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
    t.warning_ = fmt::format(
        "prctl(PR_SET_CHILD_SUBREAPER): {}: workers the server orphans are not followed (the "
        "memory gate still decides when it starts again)",
        std::strerror(errno));
  }
  return t;
}

ProcessTree::ProcessTree(ProcessTree&& o) noexcept
    : root_(std::move(o.root_)),
      pgid_(o.pgid_),
      oom_score_adj_(std::move(o.oom_score_adj_)),
      guardian_fd_(o.guardian_fd_),
      warning_(std::move(o.warning_)) {
  o.guardian_fd_ = -1;
}

ProcessTree& ProcessTree::operator=(ProcessTree&& o) noexcept {
  if (this != &o) {
    if (guardian_fd_ >= 0) ::close(guardian_fd_);
    root_ = std::move(o.root_);
    pgid_ = o.pgid_;
    oom_score_adj_ = std::move(o.oom_score_adj_);
    guardian_fd_ = o.guardian_fd_;
    warning_ = std::move(o.warning_);
    o.guardian_fd_ = -1;
  }
  return *this;
}

ProcessTree::~ProcessTree() {
  if (guardian_fd_ >= 0) ::close(guardian_fd_);
}

Result<pid_t> ProcessTree::spawn(const std::vector<std::string>& argv) {
  if (argv.empty()) return make_error("empty command");
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int err_pipe[2];
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return sys_error("pipe", errno);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int e = errno;
    ::close(err_pipe[0]);
    ::close(err_pipe[1]);
    return sys_error("fork", e);
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (::getppid() != parent) ::_exit(1);  // headroom died before the line above
    for (int sig = 1; sig < NSIG; ++sig) {
      if (sig != SIGKILL && sig != SIGSTOP) ::signal(sig, SIG_DFL);
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (!oom_score_adj_.empty()) write_text("/proc/self/oom_score_adj", oom_score_adj_);
    ::execvp(args[0], args.data());
    const int e = errno;
    (void)!::write(err_pipe[1], &e, sizeof e);
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also here: whichever of the two runs first wins the race
  ::close(err_pipe[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(err_pipe[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  ::close(err_pipe[0]);
  if (n == sizeof child_errno) {
    ::waitpid(pid, nullptr, 0);
    return Error{argv[0] + ": " + std::strerror(child_errno), child_errno};
  }
  pgid_ = pid;
  if (guardian_fd_ >= 0) (void)!::write(guardian_fd_, &pgid_, sizeof pgid_);
  return pid;
}

void ProcessTree::signal_group(int sig) const {
  if (pgid_ > 0) ::kill(-pgid_, sig);
}

void ProcessTree::kill_all() const {
  signal_group(SIGKILL);
  for (int pid : live_descendants())
    ::kill(pid, SIGKILL);
}

std::vector<int> ProcessTree::live_descendants() const {
  std::vector<int> out;
  auto table = scan_processes(root_);
  if (!table) return out;
  for (const ProcStat& p : descendants_of(*table, ::getpid()))
    out.push_back(p.pid);
  return out;
}

std::optional<int> ProcessTree::reap(pid_t main) {
  std::optional<int> main_status;
  for (;;) {
    int st = 0;
    const pid_t r = ::waitpid(-1, &st, WNOHANG);
    if (r <= 0) break;
    if (r == main) main_status = st;
  }
  return main_status;
}

}  // namespace headroom
