// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Running real processes from tests: the headroom binary, helpers, free, vmtouch.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "sim/child.h"

namespace headroom::test {

// The one guard every test's wait uses: it only turns a hang into a failure. Tests never bound
// how long something takes (timing claims are benchmarks, bench/); they wait for the event.
inline constexpr std::chrono::milliseconds kPatience = ::headroom::kChildPatience;

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal or the timeout
  std::string out, err;
};

// Runs argv to completion (killed after `timeout`), with `env` ("K=V") added to the environment.
RunResult run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
              std::chrono::milliseconds timeout = kPatience);

// The headroom binary under test with `args`.
RunResult run_headroom(std::vector<std::string> args, const std::vector<std::string>& env = {},
                       std::chrono::milliseconds timeout = kPatience);

// A child with pipes to its stdin and stdout, for helpers driven line by line.
using Child = ::headroom::Child;

// Validates the JSON document in `path` against docs/schema/NAME.schema.json (`lines`: one value
// per line, the event file); "" when valid, else the validator's complaints.
std::string schema_errors(const std::string& name, const std::string& path, bool lines = false);

// Path of a helper or binary built next to the tests (set by CMake).
std::string headroom_bin();
std::string helper_bin(const std::string& name);
// The simulation binaries (headroom-standin, headroom-lagdriver).
std::string sim_bin(const std::string& name);
std::string fixtures_dir();
// A directory on a real disk (not tmpfs, where page cache cannot be evicted) for test files.
std::string scratch_dir();

}  // namespace headroom::test
