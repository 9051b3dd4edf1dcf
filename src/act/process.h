// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Starting and ending the supervised server as a tree of processes.
//
// - headroom makes itself a child subreaper (PR_SET_CHILD_SUBREAPER): workers the server leaves
//   behind are reparented to headroom, so it sees them, reaps them, and knows when all are gone.
// - The server runs in its own process group (Ctrl-C on headroom's terminal reaches headroom,
//   which stops the server gracefully) with PR_SET_PDEATHSIG=SIGKILL.
// - A guardian process, outside headroom's tree, holds a pipe from headroom; if headroom dies
//   (even by SIGKILL) the pipe closes and the guardian SIGKILLs the server's process group, so
//   no worker is left holding memory.
// - The command is exec'd as argv, never through a shell; an exec failure comes back as errno.
// - As root, headroom lowers its own oom_score_adj, so that when the pool runs out the kernel kills
//   the server, not the supervisor that must diagnose and restart it; the server gets the
//   original value back (the unit's OOMScoreAdjust=, say).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "probe/fs.h"

namespace headroom {

class ProcessTree {
 public:
  // Becomes a child subreaper and starts the guardian. Call once, before any thread starts.
  static Result<ProcessTree> create(const Root& root);
  ProcessTree(ProcessTree&&) noexcept;
  ProcessTree& operator=(ProcessTree&&) noexcept;
  ~ProcessTree();

  // Forks and execs argv[0] (searched in PATH) in a new process group, with every signal
  // unblocked and at its default in the child.
  Result<pid_t> spawn(const std::vector<std::string>& argv);

  pid_t group() const { return pgid_; }
  // Non-empty when part of the tree's tracking is unavailable here (said once at start).
  const std::string& warning() const { return warning_; }
  void signal_group(int sig) const;
  // SIGKILL to the group and to every process below headroom (workers reparented to it too).
  void kill_all() const;
  // Processes below headroom still running (zombies excluded), guardian excluded.
  std::vector<int> live_descendants() const;
  // Reaps every exited child; returns the wait status of `main` if it was among them.
  std::optional<int> reap(pid_t main);

 private:
  ProcessTree() = default;
  Root root_;
  pid_t pgid_ = 0;
  std::string oom_score_adj_;  // headroom's original, restored in the child
  int guardian_fd_ = -1;       // write end; closing it (or dying) releases the guardian
  std::string warning_;
};

}  // namespace headroom
