// Running real processes from tests: the headroom binary, helpers, free, vmtouch.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace headroom::test {

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out, err;
  double seconds = 0;
};

// Runs argv to completion (killed after `timeout`), with `env` ("K=V") added to the environment.
RunResult run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
              std::chrono::milliseconds timeout = std::chrono::seconds(60));

// A child with pipes to its stdin and stdout, for helpers driven line by line.
class Child {
 public:
  // `cgroup_dir`: the child moves itself into this cgroup (v1 or v2) before exec.
  Child(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
        const std::string& cgroup_dir = {});
  ~Child();  // kills (SIGKILL) and reaps if still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // Writes a line to the child's stdin.
  void send(const std::string& line);
  // Reads one line from the child's stdout; empty string on EOF or timeout.
  std::string read_line(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Closes the child's stdin.
  void close_stdin();
  // Waits for exit up to `timeout`; returns the wait status, or -1 on timeout.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  void kill(int sig);
  // All of stdout not yet read (after exit).
  std::string drain();

 private:
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1;
  bool reaped_ = false;
  std::string buffer_;
};

// Path of a helper or binary built next to the tests (set by CMake).
std::string headroom_bin();
std::string helper_bin(const std::string& name);
// The simulation binaries (headroom-standin, headroom-lagdriver).
std::string sim_bin(const std::string& name);
std::string fixtures_dir();
// A directory on a real disk (not tmpfs, where page cache cannot be evicted) for test files.
std::string scratch_dir();

}  // namespace headroom::test
