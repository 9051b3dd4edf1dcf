// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `docker run` lines, parsed with the docker CLI's own flag table: which flags take a value,
// which are booleans, the short clusters (-itd, -p8000:8000), where the image is, and what comes
// after it (the container's command). Written once for `run` (supervising a container) and
// `lint` (HR101/HR102/...).
//
// Everything after the image is the container's command; flags before it are docker's. A flag
// docker does not know there is an error docker reports at once ("unknown flag:
// --attention-backend", FIELD.md section 3): recorded in `unknown`, not guessed away.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace headroom {

struct DockerFlag {
  std::string name;     // canonical long name: "--name", "--env"
  std::string spelled;  // as written: "-e", "--name=x", "-it"
  std::string value;    // "" for a boolean given without "=value"
  bool takes_value = false;
  size_t index = 0;  // argv index where it starts
};

struct DockerUnknownFlag {
  std::string spelled;  // "--attention-backend"
  size_t index = 0;
  bool took_value = false;  // a guess: the next word was taken as its value
};

struct DockerRunLine {
  size_t run_index = 0;  // argv index of "run"
  std::vector<DockerFlag> flags;
  std::vector<DockerUnknownFlag> unknown;
  std::string image;
  size_t image_index = 0;
  std::vector<std::string> command;  // the container's command: everything after the image

  // The last occurrence of a flag (docker's rule for single-valued flags), or null.
  const DockerFlag* find(std::string_view name) const;
  std::vector<std::string> values(std::string_view name) const;  // every occurrence
  // True for a boolean flag given as --flag or --flag=true (not --flag=false).
  bool enabled(std::string_view name) const;
};

// argv[0] is docker (any path) and the subcommand is `run` or `container run`.
bool is_docker_run(const std::vector<std::string>& argv);

// Errors (exit 2 material): not a docker run line, a flag without its value at the end, no image.
Result<DockerRunLine> parse_docker_run(const std::vector<std::string>& argv);

// The canonical long name for a `docker run` flag spelling ("-e" -> "--env", "--net" ->
// "--network"); nullopt when docker does not know it.
std::optional<std::string> docker_run_flag(std::string_view spelled, bool* takes_value);

// "lmsysorg/sglang:spark" -> "headroom-sglang": a container name Docker accepts.
std::string container_name_for(const std::string& image);

// `headroom run -- docker run ...`, the policy: the line checked the way docker would (an unknown
// flag before the image is refused with docker's own words), -d and --restart refused (headroom
// supervises in the foreground and restarts), and a name headroom can stop, inspect and clean up
// by: the line's --name, else `wanted_name` (run's --name), else one from the image.
struct SupervisedDockerRun {
  std::vector<std::string> argv;  // the line to run, with the --name added if there was none
  std::string container;          // the container's name
  std::string added_name;         // the name headroom added, "" when the line had one
};
Result<SupervisedDockerRun> supervised_docker_run(const std::vector<std::string>& argv,
                                                  const std::string& wanted_name);

}  // namespace headroom
