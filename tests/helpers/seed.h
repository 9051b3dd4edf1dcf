// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The seed's SGLang server as a `docker run` line, its landmine removed (the SGLang flags after
// the image): what examples/headroom/sglang.toml runs. Shared by the unit and Kubernetes tests.
#pragma once

#include <string>
#include <vector>

namespace headroom::test {

inline const std::vector<std::string>& seed_docker_run() {
  static const std::vector<std::string> line = {"docker",
                                                "run",
                                                "--rm",
                                                "--name",
                                                "sglang",
                                                "--gpus",
                                                "all",
                                                "--ipc=host",
                                                "-p",
                                                "30000:30000",
                                                "-v",
                                                "/models:/models",
                                                "lmsysorg/sglang:spark",
                                                "python3",
                                                "-m",
                                                "sglang.launch_server",
                                                "--model-path",
                                                "/models/mistral-small-4",
                                                "--mem-fraction-static",
                                                "0.75",
                                                "--host",
                                                "0.0.0.0",
                                                "--port",
                                                "30000"};
  return line;
}

}  // namespace headroom::test
