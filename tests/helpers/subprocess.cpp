// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "helpers/subprocess.h"

#include <fmt/format.h>

#include "act/command.h"

namespace headroom::test {

RunResult run_headroom(std::vector<std::string> args, const std::vector<std::string>& env,
                       std::chrono::milliseconds timeout) {
  args.insert(args.begin(), headroom_bin());
  return run(args, env, timeout);
}

RunResult run(const std::vector<std::string>& argv, const std::vector<std::string>& env,
              std::chrono::milliseconds timeout) {
  RunResult r;
  auto out = run_command(argv, timeout, env);
  if (!out) {
    r.exit_code = 127;
    r.err = out.error().message;
    return r;
  }
  r.exit_code = out->exit_code;
  r.out = std::move(out->out);
  r.err = std::move(out->err);
  return r;
}

std::string schema_errors(const std::string& name, const std::string& path, bool lines) {
  std::vector<std::string> argv = {
      "/usr/bin/python3",
      std::string(HEADROOM_SOURCE_DIR) + "/tests/helpers/validate_json_schema.py"};
  if (lines) argv.push_back("--lines");
  argv.push_back(std::string(HEADROOM_SOURCE_DIR) + "/docs/schema/" + name + ".schema.json");
  argv.push_back(path);
  const RunResult r = run(argv);
  if (r.exit_code == 0) return {};
  return fmt::format("{} does not validate against {}.schema.json (exit {}): {}{}", path, name,
                     r.exit_code, r.out, r.err);
}

std::string headroom_bin() {
  return HEADROOM_BIN;
}
std::string helper_bin(const std::string& name) {
  return std::string(HELPERS_DIR) + "/" + name;
}
std::string sim_bin(const std::string& name) {
  return std::string(SIM_DIR) + "/" + name;
}
std::string fixtures_dir() {
  return HEADROOM_FIXTURES;
}
std::string scratch_dir() {
  return HEADROOM_SCRATCH;
}

}  // namespace headroom::test
