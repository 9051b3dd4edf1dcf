// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the docker run parser, fed argv vectors (words split at spaces and NULs).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/docker_cli.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace headroom;
  std::vector<std::string> argv = {"docker", "run"};
  std::string cur;
  for (size_t i = 0; i < size; ++i) {
    const char c = static_cast<char>(data[i]);
    if (c == ' ' || c == '\0') {
      argv.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) argv.push_back(cur);
  auto line = parse_docker_run(argv);
  if (line) {
    (void)line->find("--name");
    (void)line->enabled("--rm");
    (void)line->values("--env");
  }
  (void)is_docker_run(argv);
  return 0;
}
