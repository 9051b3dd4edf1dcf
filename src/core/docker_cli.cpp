// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/docker_cli.h"

#include <fmt/format.h>

#include <array>
#include <cctype>

#include "core/text.h"

namespace headroom {
namespace {

struct FlagSpec {
  std::string_view name;  // long, with "--"
  char short_name;        // 0 when none
  bool takes_value;
};

// `docker run --help` of the docker CLI 28 (and the aliases older CLIs accept: --net,
// --net-alias, --kernel-memory...). Booleans are the ones docker documents without a type.
constexpr auto kRunFlags = std::to_array<FlagSpec>({
    {"--add-host", 0, true},
    {"--annotation", 0, true},
    {"--attach", 'a', true},
    {"--blkio-weight", 0, true},
    {"--blkio-weight-device", 0, true},
    {"--cap-add", 0, true},
    {"--cap-drop", 0, true},
    {"--cgroup-parent", 0, true},
    {"--cgroupns", 0, true},
    {"--cidfile", 0, true},
    {"--cpu-count", 0, true},
    {"--cpu-percent", 0, true},
    {"--cpu-period", 0, true},
    {"--cpu-quota", 0, true},
    {"--cpu-rt-period", 0, true},
    {"--cpu-rt-runtime", 0, true},
    {"--cpu-shares", 'c', true},
    {"--cpus", 0, true},
    {"--cpuset-cpus", 0, true},
    {"--cpuset-mems", 0, true},
    {"--detach", 'd', false},
    {"--detach-keys", 0, true},
    {"--device", 0, true},
    {"--device-cgroup-rule", 0, true},
    {"--device-read-bps", 0, true},
    {"--device-read-iops", 0, true},
    {"--device-write-bps", 0, true},
    {"--device-write-iops", 0, true},
    {"--disable-content-trust", 0, false},
    {"--dns", 0, true},
    {"--dns-opt", 0, true},
    {"--dns-option", 0, true},
    {"--dns-search", 0, true},
    {"--domainname", 0, true},
    {"--entrypoint", 0, true},
    {"--env", 'e', true},
    {"--env-file", 0, true},
    {"--expose", 0, true},
    {"--gpus", 0, true},
    {"--group-add", 0, true},
    {"--health-cmd", 0, true},
    {"--health-interval", 0, true},
    {"--health-retries", 0, true},
    {"--health-start-interval", 0, true},
    {"--health-start-period", 0, true},
    {"--health-timeout", 0, true},
    {"--help", 0, false},
    {"--hostname", 'h', true},
    {"--init", 0, false},
    {"--interactive", 'i', false},
    {"--io-maxbandwidth", 0, true},
    {"--io-maxiops", 0, true},
    {"--ip", 0, true},
    {"--ip6", 0, true},
    {"--ipc", 0, true},
    {"--isolation", 0, true},
    {"--kernel-memory", 0, true},
    {"--label", 'l', true},
    {"--label-file", 0, true},
    {"--link", 0, true},
    {"--link-local-ip", 0, true},
    {"--log-driver", 0, true},
    {"--log-opt", 0, true},
    {"--mac-address", 0, true},
    {"--memory", 'm', true},
    {"--memory-reservation", 0, true},
    {"--memory-swap", 0, true},
    {"--memory-swappiness", 0, true},
    {"--mount", 0, true},
    {"--name", 0, true},
    {"--net", 0, true},
    {"--net-alias", 0, true},
    {"--network", 0, true},
    {"--network-alias", 0, true},
    {"--no-healthcheck", 0, false},
    {"--oom-kill-disable", 0, false},
    {"--oom-score-adj", 0, true},
    {"--pid", 0, true},
    {"--pids-limit", 0, true},
    {"--platform", 0, true},
    {"--privileged", 0, false},
    {"--publish", 'p', true},
    {"--publish-all", 'P', false},
    {"--pull", 0, true},
    {"--quiet", 'q', false},
    {"--read-only", 0, false},
    {"--restart", 0, true},
    {"--rm", 0, false},
    {"--runtime", 0, true},
    {"--security-opt", 0, true},
    {"--shm-size", 0, true},
    {"--sig-proxy", 0, false},
    {"--stop-signal", 0, true},
    {"--stop-timeout", 0, true},
    {"--storage-opt", 0, true},
    {"--sysctl", 0, true},
    {"--tmpfs", 0, true},
    {"--tty", 't', false},
    {"--ulimit", 0, true},
    {"--use-api-socket", 0, false},
    {"--user", 'u', true},
    {"--userns", 0, true},
    {"--uts", 0, true},
    {"--volume", 'v', true},
    {"--volume-driver", 0, true},
    {"--volumes-from", 0, true},
    {"--workdir", 'w', true},
});

// Aliases that name the same setting under the canonical name.
std::string_view canonical(std::string_view name) {
  if (name == "--net") return "--network";
  if (name == "--net-alias") return "--network-alias";
  if (name == "--dns-opt") return "--dns-option";
  return name;
}

// docker's own options between `docker` and `run`.
constexpr auto kGlobalFlags = std::to_array<FlagSpec>({
    {"--config", 0, true},
    {"--context", 'c', true},
    {"--debug", 'D', false},
    {"--host", 'H', true},
    {"--log-level", 'l', true},
    {"--tls", 0, false},
    {"--tlscacert", 0, true},
    {"--tlscert", 0, true},
    {"--tlskey", 0, true},
    {"--tlsverify", 0, false},
    {"--version", 'v', false},
    {"--help", 0, false},
});

template <size_t N>
const FlagSpec* find_long(const std::array<FlagSpec, N>& table, std::string_view name) {
  for (const FlagSpec& f : table) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

template <size_t N>
const FlagSpec* find_short(const std::array<FlagSpec, N>& table, char c) {
  for (const FlagSpec& f : table) {
    if (f.short_name == c) return &f;
  }
  return nullptr;
}

// Index of "run" in `docker [global options] run` / `docker [global options] container run`.
std::optional<size_t> run_index(const std::vector<std::string>& argv) {
  if (argv.empty() || path_basename(argv[0]) != "docker") return std::nullopt;
  size_t i = 1;
  while (i < argv.size() && !argv[i].empty() && argv[i][0] == '-') {
    const std::string& a = argv[i];
    const size_t eq = a.find('=');
    const FlagSpec* g = a.rfind("--", 0) == 0 ? find_long(kGlobalFlags, a.substr(0, eq))
                        : a.size() == 2       ? find_short(kGlobalFlags, a[1])
                                              : nullptr;
    i += (g != nullptr && g->takes_value && eq == std::string::npos) ? 2 : 1;
  }
  if (i < argv.size() && argv[i] == "run") return i;
  if (i + 1 < argv.size() && argv[i] == "container" && argv[i + 1] == "run") return i + 1;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> docker_run_flag(std::string_view spelled, bool* takes_value) {
  const FlagSpec* f = nullptr;
  if (spelled.rfind("--", 0) == 0) {
    f = find_long(kRunFlags, spelled);
  } else if (spelled.size() == 2 && spelled[0] == '-') {
    f = find_short(kRunFlags, spelled[1]);
  }
  if (f == nullptr) return std::nullopt;
  if (takes_value != nullptr) *takes_value = f->takes_value;
  return std::string(canonical(f->name));
}

bool is_docker_run(const std::vector<std::string>& argv) {
  return run_index(argv).has_value();
}

const DockerFlag* DockerRunLine::find(std::string_view name) const {
  const DockerFlag* out = nullptr;
  for (const DockerFlag& f : flags) {
    if (f.name == name) out = &f;
  }
  return out;
}

std::vector<std::string> DockerRunLine::values(std::string_view name) const {
  std::vector<std::string> out;
  for (const DockerFlag& f : flags) {
    if (f.name == name) out.push_back(f.value);
  }
  return out;
}

bool DockerRunLine::enabled(std::string_view name) const {
  const DockerFlag* f = find(name);
  return f != nullptr && f->value != "false" && f->value != "0";
}

Result<DockerRunLine> parse_docker_run(const std::vector<std::string>& argv) {
  auto ri = run_index(argv);
  if (!ri) return make_error("not a `docker run` command line");
  DockerRunLine line;
  line.run_index = *ri;
  size_t i = *ri + 1;
  auto missing_value = [](const std::string& flag) {
    return make_error(fmt::format("docker run: {} needs a value", flag));
  };
  while (i < argv.size()) {
    const std::string& a = argv[i];
    if (a == "--") {  // docker: the image comes next
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;  // the image
    if (a.rfind("--", 0) == 0) {
      const size_t eq = a.find('=');
      const std::string name = a.substr(0, eq);
      bool takes = false;
      auto canon = docker_run_flag(name, &takes);
      if (!canon) {
        // Unknown to docker. Guess its arity so the image is found: it took the next word as a
        // value when that is not a flag and something still follows (the image).
        DockerUnknownFlag u{a, i, false};
        if (eq == std::string::npos && i + 2 < argv.size() && argv[i + 1][0] != '-') {
          u.took_value = true;
          ++i;
        }
        line.unknown.push_back(u);
        ++i;
        continue;
      }
      DockerFlag f{*canon, a, {}, takes, i};
      if (eq != std::string::npos) {
        f.value = a.substr(eq + 1);
      } else if (takes) {
        if (i + 1 >= argv.size()) return missing_value(a);
        f.value = argv[++i];
      }
      line.flags.push_back(std::move(f));
      ++i;
      continue;
    }
    // A short cluster: -it, -itd, -p8000:8000, -e KEY=V.
    size_t start = i;
    for (size_t c = 1; c < a.size(); ++c) {
      bool takes = false;
      auto canon = docker_run_flag(std::string("-") + a[c], &takes);
      if (!canon) {
        line.unknown.push_back(DockerUnknownFlag{a, start, false});
        break;
      }
      DockerFlag f{*canon, a, {}, takes, start};
      if (takes) {
        if (c + 1 < a.size()) {
          f.value = a.substr(a[c + 1] == '=' ? c + 2 : c + 1);
        } else {
          if (i + 1 >= argv.size()) return missing_value(a);
          f.value = argv[++i];
        }
        line.flags.push_back(std::move(f));
        break;
      }
      line.flags.push_back(std::move(f));
    }
    ++i;
  }
  if (i >= argv.size()) return make_error("docker run: no image given");
  line.image = argv[i];
  line.image_index = i;
  line.command.assign(argv.begin() + static_cast<long>(i) + 1, argv.end());
  return line;
}

// "lmsysorg/sglang:spark" -> "headroom-sglang": a container name Docker accepts.
std::string container_name_for(const std::string& image) {
  std::string base = image.substr(image.rfind('/') == std::string::npos ? 0 : image.rfind('/') + 1);
  base = base.substr(0, base.find(':'));
  std::string out = "headroom-";
  for (char c : base)
    out +=
        (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '-';
  return out;
}

Result<SupervisedDockerRun> supervised_docker_run(const std::vector<std::string>& given,
                                                  const std::string& wanted_name) {
  SupervisedDockerRun out{given, {}, {}};
  std::vector<std::string>& argv = out.argv;
  auto line = parse_docker_run(argv);
  if (!line) return line.error();
  if (!line->unknown.empty()) {
    const DockerUnknownFlag& u = line->unknown.front();
    return make_error(fmt::format(
        "docker would refuse this line: {} comes before the image {}, where flags are docker's "
        "own, and docker does not know it (\"unknown flag: {}\"). Server flags go after the "
        "image.",
        u.spelled, line->image, u.spelled.substr(0, u.spelled.find('='))));
  }
  if (line->enabled("--detach")) {
    return make_error(
        "docker run -d returns at once: headroom supervises the container in the foreground; "
        "drop -d/--detach");
  }
  if (const DockerFlag* r = line->find("--restart"); r != nullptr && r->value != "no") {
    return make_error(fmt::format(
        "docker run --restart {}: Docker would restart the container on its own, without a "
        "memory gate, and fight headroom over it; drop --restart (headroom restarts it)",
        r->value));
  }
  if (const DockerFlag* n = line->find("--name"); n != nullptr) {
    out.container = n->value;
  } else {
    out.container = wanted_name.empty() ? container_name_for(line->image) : wanted_name;
    argv.insert(argv.begin() + static_cast<long>(line->run_index) + 1, {"--name", out.container});
    out.added_name = out.container;
  }
  return out;
}

}  // namespace headroom
