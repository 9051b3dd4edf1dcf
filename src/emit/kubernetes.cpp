// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "emit/kubernetes.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "core/docker_cli.h"
#include "core/duration.h"
#include "core/engines.h"
#include "core/size.h"
#include "core/text.h"
#include "core/url.h"
#include "headroom_version.h"

namespace headroom::emit {
namespace kube {

// The metrics address when --metrics is not given: the pod's own address (the kubelet's probes and
// Prometheus come from outside the pod), the port examples/kubernetes uses.
constexpr const char* kDefaultMetrics = "0.0.0.0:9464";
// The kubelet's probe period, and the margin the startup probe gives above headroom's own
// timeouts so that headroom, which says why, decides first (examples/kubernetes: 10 s x 270).
constexpr int kProbePeriodSeconds = 10;
constexpr auto kStartupMargin = std::chrono::minutes(5);
// SIGTERM to headroom (PID 1), its --stop-timeout for the server, then this margin before the
// kubelet's SIGKILL.
constexpr auto kGraceMargin = std::chrono::seconds(30);

bool is_label(std::string_view s) {  // RFC 1123 label: what a container name must be
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-'; });
}

// `s` with its control characters written by `control` (a format for the byte: YAML's \xNN,
// TOML's \uNNNN); with `quote`, in double quotes, its quotes and backslashes escaped too.
std::string escaped(std::string_view s, bool quote, const char* control) {
  std::string out = quote ? "\"" : "";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (quote && (c == '"' || c == '\\')) {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format(fmt::runtime(control), u);
    } else {
      out += c;
    }
  }
  return quote ? out + "\"" : out;
}

// One YAML scalar: plain where it is plainly a string in every YAML version Kubernetes tools read
// (go-yaml reads YAML 1.1: yes/no/on/off are booleans there), else double-quoted with escapes.
std::string yaml_str(std::string_view s) {
  static const std::set<std::string, std::less<>> kWords = {"y",   "n",    "yes",   "no",  "on",
                                                            "off", "true", "false", "null"};
  const auto safe = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
           std::string_view("_./:=,+-@").find(c) != std::string_view::npos;
  };
  const bool starts_ok =
      !s.empty() && ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '/' ||
                     (s.size() > 1 && s[0] == '-' && s[1] == '-'));
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(), ascii_lower);
  if (starts_ok && std::all_of(s.begin(), s.end(), safe) && s.back() != ':' &&
      !s.starts_with("---") && !kWords.contains(lower)) {
    return std::string(s);
  }
  return escaped(s, /*quote=*/true, "\\x{:02x}");
}

// A note as one comment line: control characters (a newline in a user's word) written as escapes.
std::string one_line(std::string_view s) {
  return escaped(s, /*quote=*/false, "\\x{:02x}");
}

// One TOML basic string (toml.io: ", \ and the control characters escaped).
std::string toml_str(std::string_view s) {
  return escaped(s, /*quote=*/true, "\\u{:04x}");
}

// A YAML list of strings at `indent`, one item a line.
std::string yaml_list(const std::vector<std::string>& items, int indent) {
  std::string out;
  for (const std::string& i : items)
    out += fmt::format("{:{}}- {}\n", "", indent, yaml_str(i));
  return out;
}

std::string toml_array(const std::vector<std::string>& items, int indent) {
  std::string out = "[\n";
  for (const std::string& i : items)
    out += fmt::format("{:{}}{},\n", "", indent + 2, toml_str(i));
  return out + fmt::format("{:{}}]", "", indent);
}

// A Kubernetes quantity for a byte count: "16Gi", "512Mi", or bytes.
std::string quantity(uint64_t bytes) {
  if (bytes != 0 && bytes % kGiB == 0) return fmt::format("{}Gi", bytes / kGiB);
  if (bytes != 0 && bytes % kMiB == 0) return fmt::format("{}Mi", bytes / kMiB);
  return std::to_string(bytes);
}

struct Volume {
  std::string name;
  std::string host_path;
  std::string claim;  // --no-host-paths: the PersistentVolumeClaim in its place
  std::string mount_path;
  bool read_only = false;
};

struct Port {
  std::string name;
  uint16_t port = 0;
  std::string protocol = "TCP";
};

struct EnvVar {
  std::string name;
  std::string value;
  bool secret = false;  // from the Secret NAME-secrets, its value not written in the manifest
};

// A variable that holds a credential by its name (HF_TOKEN, HUGGING_FACE_HUB_TOKEN,
// OPENAI_API_KEY, AWS_SECRET_ACCESS_KEY, NGC_API_KEY, ...): it goes in a Secret, not in the
// Deployment, which anyone who may read the namespace's workloads can read.
bool is_credential(std::string_view name) {
  std::string up(name);
  std::transform(up.begin(), up.end(), up.begin(), ascii_upper);
  for (std::string_view w : {"TOKEN", "SECRET", "PASSWORD", "PASSWD", "API_KEY", "APIKEY",
                             "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIAL"}) {
    if (up.find(w) != std::string::npos) return true;
  }
  return up.ends_with("_KEY");
}

// What the server container becomes: from a plain command, or translated from a docker run line.
struct Server {
  std::string image;
  std::vector<std::string> argv;
  bool entrypoint_given = false;  // docker's --entrypoint: argv is the whole command
  std::vector<EnvVar> env;
  std::vector<Volume> volumes;
  std::vector<Port> ports;
  bool gpu = true;
  std::optional<uint64_t> shm_bytes;
  bool host_ipc = false;
  bool host_network = false;
  std::string workdir;
  std::vector<std::string> untranslated;  // docker flags without a counterpart here
};

std::optional<uint16_t> port_number(std::string_view s) {
  const auto v = parse_u64(s);
  if (!v || *v == 0 || *v > 65535) return std::nullopt;
  return static_cast<uint16_t>(*v);
}

// docker's sizes are binary whatever the spelling: 16g = 16gb = 16 GiB.
Result<uint64_t> docker_size(std::string_view text) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(), ascii_lower);
  if (t.size() >= 2 && t.back() == 'b' &&
      std::string_view("kmgt").find(t[t.size() - 2]) != std::string_view::npos) {
    t.pop_back();
  }
  return parse_size(t, BareNumber::kBytes);
}

Status translate_docker(const DockerRunLine& line, Server& s) {
  if (!line.unknown.empty()) {
    return make_error(
        fmt::format("the docker run line has a flag docker does not know: {} (docker "
                    "would refuse it: `headroom lint` says more)",
                    line.unknown.front().spelled));
  }
  s.image = line.image;
  s.argv = line.command;
  s.gpu = false;
  // Flags that mean nothing in a pod (the pod is the container; headroom restarts it; its
  // name is the pod's) are dropped without a word.
  static const std::set<std::string, std::less<>> kMoot = {
      "--name",    "--rm",   "--interactive", "--tty",          "--detach",     "--init",
      "--restart", "--pull", "--sig-proxy",   "--stop-timeout", "--stop-signal"};
  for (const DockerFlag& f : line.flags) {
    const std::string& v = f.value;
    if (kMoot.contains(f.name)) continue;
    if (f.name == "--entrypoint") {
      s.argv.insert(s.argv.begin(), v);
      s.entrypoint_given = true;
    } else if (f.name == "--env" && v.find('=') != std::string::npos) {
      const std::string key = v.substr(0, v.find('='));
      s.env.push_back(EnvVar{key, v.substr(v.find('=') + 1), is_credential(key)});
    } else if (f.name == "--env" && is_credential(v)) {
      // -e HF_TOKEN: the value from docker's own environment; a Secret here.
      s.env.push_back(EnvVar{v, "", true});
    } else if (f.name == "--volume" && v.starts_with("/")) {
      // SRC:DST[:OPTS]; a host path becomes a hostPath volume (a named volume would be a PVC).
      const size_t c1 = v.find(':');
      const size_t c2 = c1 == std::string::npos ? c1 : v.find(':', c1 + 1);
      if (c1 == std::string::npos) {
        s.untranslated.push_back(f.spelled + " " + v);
        continue;
      }
      Volume vol;
      vol.host_path = v.substr(0, c1);
      vol.mount_path = v.substr(c1 + 1, c2 == std::string::npos ? c2 : c2 - c1 - 1);
      const std::string opts = c2 == std::string::npos ? "" : v.substr(c2 + 1);
      vol.read_only =
          opts == "ro" || opts.starts_with("ro,") || opts.find(",ro") != std::string::npos;
      vol.name = fmt::format("host-{}", s.volumes.size() + 1);
      s.volumes.push_back(vol);
    } else if (f.name == "--publish") {
      // [IP:][HOST:]CONTAINER[/PROTO]: the container's port is what the pod declares.
      std::string spec = v;
      std::string proto = "TCP";
      if (const size_t slash = spec.rfind('/'); slash != std::string::npos) {
        proto = spec.substr(slash + 1);
        std::transform(proto.begin(), proto.end(), proto.begin(), ascii_upper);
        spec.resize(slash);
      }
      const auto p = port_number(spec.substr(spec.rfind(':') + 1));
      if (!p || (proto != "TCP" && proto != "UDP" && proto != "SCTP")) {
        s.untranslated.push_back(f.spelled + " " + v);
        continue;
      }
      s.ports.push_back(Port{"", *p, proto});
    } else if (f.name == "--gpus") {
      s.gpu = true;  // the node's GPU through the NVIDIA device plugin; one on these machines
    } else if (f.name == "--runtime" && v == "nvidia") {
      s.gpu = true;
    } else if (f.name == "--shm-size") {
      auto b = docker_size(v);
      if (!b)
        return make_error(fmt::format("the docker run line's --shm-size: {}", b.error().message));
      s.shm_bytes = *b;
    } else if (f.name == "--ipc" && v == "host") {
      s.host_ipc = true;
    } else if (f.name == "--network" && v == "host") {
      s.host_network = true;
    } else if (f.name == "--workdir") {
      s.workdir = v;
    } else {
      s.untranslated.push_back(f.takes_value ? f.name + " " + v : f.name);
    }
  }
  return {};
}

// The server's whole command. `headroom run` is the pod's command, so the image's ENTRYPOINT
// never runs: for a known image it is written out (vllm/vllm-openai: `vllm serve` before the
// flags after the image); for an unknown one, words that start with '-' are arguments for an
// entrypoint this cannot see (the pod would run `--model` and crash-loop with 127): refused
// with the fix. `from_docker`: the words came after the image of a docker run line, where
// docker itself puts the ENTRYPOINT first; with --image they are the command unless they start
// with '-'.
Status resolve_command(Server& s, bool from_docker, std::vector<std::string>& notes) {
  if (s.entrypoint_given) return {};
  const ImageInfo* image = find_image(s.image);
  const bool flags_first = !s.argv.empty() && s.argv.front().starts_with("-");
  if (image != nullptr && !image->entrypoint.empty() && (from_docker || flags_first)) {
    s.argv = image_command(*image, s.argv);
    notes.push_back(fmt::format(
        "{}'s ENTRYPOINT is written out in the command (headroom run is the pod's command, so "
        "the image's own does not run): {}",
        image->repository, image->source));
    return {};
  }
  const std::string inspect = fmt::format(
      "docker inspect -f '{{{{json .Config.Entrypoint}}}} {{{{json .Config.Cmd}}}}' {}", s.image);
  if (s.argv.empty()) {
    return make_error(fmt::format(
        "no command for the image {}: under `headroom run` the pod runs the whole command, and "
        "the image's own is not known here; write it after the image, as `{}` shows it",
        s.image, inspect));
  }
  if (flags_first) {
    if (image != nullptr) {
      return make_error(fmt::format(
          "the command for {} starts with {}, a flag, but the image has no ENTRYPOINT ({}): "
          "docker would fail the same way; write the program first (python3 -m "
          "sglang.launch_server, vllm serve, ...)",
          s.image, s.argv.front(), image->source));
    }
    return make_error(fmt::format(
        "the command for {} starts with {}: these are arguments for the image's ENTRYPOINT, "
        "which is not known here, and under `headroom run` the pod would run `{}` itself (exit "
        "127, CrashLoopBackOff). Give the program: --entrypoint PROGRAM before the image, or "
        "write it first after the image, as `{}` shows it. Known images: vllm/vllm-openai, "
        "ghcr.io/ggml-org/llama.cpp, ollama/ollama, lmsysorg/sglang",
        s.image, s.argv.front(), s.argv.front(), inspect));
  }
  if (image == nullptr && from_docker) {
    notes.push_back(fmt::format(
        "the pod runs `{}` as the whole command: if {} has an ENTRYPOINT, it does not run under "
        "headroom run (`{}` shows it)",
        s.argv.front(), s.image, inspect));
  }
  return {};
}

// A server bound to loopback in its pod answers headroom's probes but no Service: one bound by
// default is given the wildcard (SGLang's 127.0.0.1, llama-server's, trtllm-serve's localhost,
// Ollama's OLLAMA_HOST), one bound there on purpose is refused. The engine's port joins the
// pod's ports, so that the Service has it.
Status listen_in_pod(Server& s, std::vector<std::string>& notes) {
  const auto call = find_engine(s.argv);
  if (!call) return {};
  const EngineInfo& e = engine_info(call->id);
  std::vector<std::string> env;
  const ImageInfo* image = find_image(s.image);
  if (image != nullptr && image->engine == e.id && !image->listen_host.empty()) {
    env.push_back(std::string(e.id == EngineId::kOllama ? "OLLAMA_HOST=" : "LLAMA_ARG_HOST=") +
                  std::string(image->listen_host));
  }
  for (const EnvVar& v : s.env)
    env.push_back(v.name + "=" + v.value);
  const Endpoint at = engine_endpoint(e, s.argv, call->first_arg, env);
  const bool loopback = at.host == "127.0.0.1" || at.host == "localhost" || at.host == "::1";
  const bool told =
      std::any_of(s.argv.begin() + static_cast<long>(call->first_arg), s.argv.end(),
                  [&](const std::string& a) {
                    return !e.host_flag.empty() &&
                           (a == e.host_flag || a.starts_with(std::string(e.host_flag) + "="));
                  }) ||
      std::any_of(s.env.begin(), s.env.end(), [](const EnvVar& v) {
        return v.name == "OLLAMA_HOST" || v.name == "LLAMA_ARG_HOST";
      });
  if (loopback && told) {
    return make_error(fmt::format(
        "{} is told to listen on {}: in a pod only headroom's own probes would reach it, no "
        "Service; give it 0.0.0.0",
        e.name, at.host));
  }
  if (loopback && !e.host_flag.empty()) {
    s.argv.insert(s.argv.begin() + static_cast<long>(call->first_arg),
                  {std::string(e.host_flag), "0.0.0.0"});
    notes.push_back(fmt::format(
        "{} 0.0.0.0 added: {} listens on {} by default, which nothing outside its pod reaches",
        e.host_flag, e.name, at.host));
  } else if (loopback) {  // Ollama: its address only from OLLAMA_HOST
    s.env.push_back(EnvVar{"OLLAMA_HOST", fmt::format("0.0.0.0:{}", at.port), false});
    notes.push_back(fmt::format(
        "OLLAMA_HOST=0.0.0.0:{} added: Ollama listens on {} by default, which nothing outside "
        "its pod reaches",
        at.port, at.host));
  }
  if (std::none_of(s.ports.begin(), s.ports.end(),
                   [&](const Port& p) { return p.port == at.port; })) {
    s.ports.insert(s.ports.begin(), Port{"", at.port, "TCP"});
  }
  return {};
}

// The startup probe's failure threshold: headroom's gate timeout plus its startup timeout plus
// the margin, in probe periods; nullopt when either is infinite (no startup probe then).
std::optional<int> startup_threshold(Duration gate, Duration start) {
  if (gate == kForever || start == kForever) return std::nullopt;
  const Duration total = gate + start + kStartupMargin;
  const auto periods =
      std::chrono::ceil<std::chrono::seconds>(total).count() / kProbePeriodSeconds + 1;
  return static_cast<int>(std::min<int64_t>(periods, 1'000'000));
}

// ---- validate ----

Status validate(const ServerConfig& c) {
  if (!is_label(c.name)) {
    return make_error(fmt::format(
        "--name {}: Kubernetes names a container with lower-case letters, digits and '-' (at "
        "most 63, starting and ending with a letter or digit)",
        c.name));
  }
  if (c.command.empty()) return make_error("give the server's command after --");
  for (size_t i = 0; i < c.command.size(); ++i) {
    if (!is_utf8(c.command[i])) {
      return make_error(
          fmt::format("the command's word {} is not UTF-8 text, which a Kubernetes "
                      "manifest must be",
                      i + 1));
    }
  }
  for (const GivenFlag& g : c.flags) {
    if (g.value && !is_utf8(*g.value)) {
      return make_error(
          fmt::format("{}: not UTF-8 text, which a Kubernetes manifest must be", g.flag));
    }
  }
  return {};
}

// ---- translate ----

// A key of the ConfigMap's TOML: a flag of run's without its dashes, its values as given (none
// for a switch), more than one where it was repeated.
using ConfigKey = std::pair<std::string, std::vector<std::optional<std::string>>>;

// The pod, decided before any document is written.
struct Pod {
  Server server;
  ListenAddress metrics;            // where headroom serves /metrics, /ready and /live in the pod
  std::string metrics_text;         // that address as the ConfigMap writes it, where it is ours
  bool metrics_ours = false;        // defaulted or moved off loopback: not the flag as given
  bool has_gate = false;            // --free or --max-pressure
  bool gated = false;               // the init container gates on the host's view
  std::optional<uint64_t> request;  // the memory request: the gate's absolute target
  std::string pod_security;         // the level the pod meets, and why
  std::vector<ConfigKey> config;    // run's flags as given, grouped by flag, in order
  std::vector<std::string> notes;   // what was chosen or left out
};

// The server container from the docker line or the command, its command resolved and its
// address one the Service reaches.
Status server_container(const KubernetesInput& in, Pod& pod) {
  Server& s = pod.server;
  const std::vector<std::string>& command = in.server.command;
  if (is_docker_run(command)) {
    auto line = parse_docker_run(command);
    if (!line) return line.error();
    if (Status st = translate_docker(*line, s); !st) return st.error();
    if (!in.image.empty()) s.image = in.image;
    if (Status st = resolve_command(s, /*from_docker=*/true, pod.notes); !st) return st.error();
  } else {
    if (in.image.empty()) {
      return make_error(
          "--image: give the server's container image (the command runs inside it), or give a "
          "`docker run` line as the command");
    }
    s.image = in.image;
    s.argv = command;
    if (Status st = resolve_command(s, /*from_docker=*/false, pod.notes); !st) return st.error();
  }
  if (!is_utf8(s.image)) return make_error("--image: not UTF-8 text");
  return listen_in_pod(s, pod.notes);
}

// The metrics address: the probes need it, and it must be reachable from outside the pod.
void metrics_in_pod(const KubernetesInput& in, Pod& pod) {
  if (!in.metrics) {
    pod.metrics_text = kDefaultMetrics;
    pod.metrics = *parse_listen_address(kDefaultMetrics);
    pod.metrics_ours = true;
    pod.notes.push_back(fmt::format(
        "metrics = \"{}\": the kubelet's probes read /ready and /live there (no --metrics given)",
        pod.metrics_text));
    return;
  }
  pod.metrics = in.metrics->value;
  pod.metrics_text = in.metrics->text;
  if (pod.metrics.loopback()) {  // right on a host; in a pod nothing outside could reach it
    pod.notes.push_back(fmt::format(
        "--metrics {} becomes 0.0.0.0:{} in the pod: the kubelet's probes and Prometheus come "
        "from outside it",
        in.metrics->text, pod.metrics.port));
    pod.metrics_text = fmt::format("0.0.0.0:{}", pod.metrics.port);
    pod.metrics.host = "0.0.0.0";
    pod.metrics_ours = true;
  }
}

// The server's ports: the health URL's, and the docker line's -p; named, and none headroom's.
Status name_ports(const KubernetesInput& in, Pod& pod) {
  std::vector<Port>& ports = pod.server.ports;
  if (const auto& url = in.server.health_url) {
    const bool known =
        std::any_of(ports.begin(), ports.end(), [&](const Port& p) { return p.port == url->port; });
    if (!known) ports.insert(ports.begin(), Port{"", url->port, "TCP"});
  }
  for (size_t i = 0; i < ports.size(); ++i) {
    ports[i].name = i == 0 ? "http" : fmt::format("port-{}", ports[i].port);
  }
  if (std::any_of(ports.begin(), ports.end(),
                  [&](const Port& p) { return p.port == pod.metrics.port; })) {
    return make_error(fmt::format("--metrics port {} is also the server's port", pod.metrics.port));
  }
  return {};
}

void note_untranslated(Pod& pod) {
  const std::vector<std::string>& untranslated = pod.server.untranslated;
  if (untranslated.empty()) return;
  std::string list;
  for (const std::string& u : untranslated)
    list += (list.empty() ? "" : ", ") + u;
  pod.notes.push_back(
      "not translated from the docker line (no pod counterpart here; add "
      "them by hand if they matter): " +
      list);
}

// --no-host-paths: no host namespaces, claims for the host directories, the gate in the pod.
void baseline_variant(const KubernetesInput& in, Pod& pod) {
  Server& s = pod.server;
  if (in.no_host_paths) {
    if (s.host_ipc || s.host_network) {
      pod.notes.push_back(fmt::format(
          "--no-host-paths: {} left out (Pod Security baseline forbids the host's namespaces); "
          "/dev/shm is a memory-backed emptyDir instead",
          s.host_ipc && s.host_network ? "--ipc host and --network host"
          : s.host_ipc                 ? "--ipc host"
                                       : "--network host"));
      s.host_ipc = s.host_network = false;
    }
    for (Volume& v : s.volumes) {
      v.claim = fmt::format("{}-{}", in.server.name, v.name);
      pod.notes.push_back(fmt::format(
          "--no-host-paths: the host directory {} is the PersistentVolumeClaim {} (baseline "
          "forbids hostPath volumes): create it, bound to a local PersistentVolume on the node's "
          "{}",
          v.host_path, v.claim, v.host_path));
    }
  }
  pod.has_gate = in.server.gate.any();
  pod.gated = pod.has_gate && !in.no_host_paths;  // the init container on the host's view
  if (pod.has_gate && in.no_host_paths) {
    pod.notes.push_back(
        "--no-host-paths: no init container reads the host's /proc and /sys; the gate is "
        "headroom run's own in the server container, where /proc/meminfo is the node's (the "
        "kernel does not namespace it) and the cgroup the container's own");
  }
}

// The scheduler's view: the gate's target as the pod's memory request (the node must have it
// free to run the server). No limit: what the engine takes through the GPU driver is not all
// charged to the pod's cgroup, so a limit would not bound it, while the page cache of the
// model files is charged and would be reclaimed under it.
void memory_request(const KubernetesInput& in, Pod& pod) {
  const ServerGate& gate = in.server.gate;
  if (gate.free.empty() || !gate.free_size) return;
  if (gate.free_size->kind == SizeSpec::Kind::kBytes) {
    pod.request = gate.free_size->bytes;
    pod.notes.push_back(fmt::format(
        "memory request {} (--free): the scheduler places the pod only where that is "
        "unreserved; no memory limit, since what the engine takes through the GPU driver is "
        "not all charged to the pod's cgroup",
        quantity(gate.free_size->bytes)));
  } else {
    pod.notes.push_back(fmt::format(
        "no memory request: --free {} is a share of the node's pool, which is not known here "
        "(give an absolute size for one)",
        gate.free));
  }
}

void note_secrets(const KubernetesInput& in, Pod& pod) {
  const std::string& name = in.server.name;
  for (const EnvVar& v : pod.server.env) {
    if (!v.secret) continue;
    pod.notes.push_back(fmt::format(
        "{} comes from the Secret {}-secrets, its value not written here: kubectl create "
        "secret generic {}-secrets --from-literal={}=...",
        v.name, name, name, v.name));
  }
}

// What puts the pod above the baseline level, which forbids each.
std::string pod_security_level(const Pod& pod) {
  const Server& s = pod.server;
  std::vector<std::string> why;
  if (pod.gated) why.push_back("hostPath /proc and /sys for the gate");
  if (std::any_of(s.volumes.begin(), s.volumes.end(),
                  [](const Volume& v) { return v.claim.empty(); })) {
    why.push_back("hostPath volumes from -v");
  }
  if (s.host_ipc) why.push_back("hostIPC");
  if (s.host_network) why.push_back("hostNetwork");
  if (why.empty()) {
    return "baseline (not restricted: the engines' images run as root and need a writable root "
           "file system)";
  }
  std::string list;
  for (const std::string& w : why)
    list += (list.empty() ? "" : ", ") + w;
  return fmt::format(
      "privileged ({}: the baseline level forbids them); --no-host-paths writes a baseline "
      "variant",
      list);
}

// The TOML's keys: run's flags as given, grouped by flag (a repeated one becomes an array).
void config_keys(const KubernetesInput& in, Pod& pod) {
  for (const GivenFlag& g : in.server.flags) {
    if (g.flag == "--metrics" && pod.metrics_ours) continue;  // written from pod.metrics_text
    if (g.flag == "--cgroup") {  // a path in the host's hierarchy, which the pod does not see
      pod.notes.push_back(fmt::format(
          "--cgroup {} left out: in the pod, headroom run gates on its own container's cgroup, "
          "and the init container on the whole node's (/)",
          g.value.value_or("")));
      continue;
    }
    const std::string key = g.flag.substr(2);
    auto it = std::find_if(pod.config.begin(), pod.config.end(),
                           [&](const ConfigKey& k) { return k.first == key; });
    if (it == pod.config.end()) {
      pod.config.push_back({key, {g.value}});
    } else {
      it->second.push_back(g.value);
    }
  }
}

Result<Pod> translate(const KubernetesInput& in) {
  Pod pod;
  if (Status st = server_container(in, pod); !st) return st.error();
  metrics_in_pod(in, pod);
  if (Status st = name_ports(in, pod); !st) return st.error();
  note_untranslated(pod);
  baseline_variant(in, pod);
  memory_request(in, pod);
  note_secrets(in, pod);
  pod.pod_security = pod_security_level(pod);
  if (!pod.has_gate) {
    pod.notes.push_back(
        "no --free or --max-pressure: no init container gates the pod on the node's memory "
        "(`headroom plan MODEL` tells the figure)");
  }
  config_keys(in, pod);
  return pod;
}

// ---- render ----

std::string headroom_image_of(const KubernetesInput& in) {
  return in.headroom_image.empty() ? fmt::format("headroom:{}", HEADROOM_VERSION)
                                   : in.headroom_image;
}

// `headroom run --config`'s file: run's flags as given, the pod's metrics and events, the command.
std::string render_toml(const KubernetesInput& in, const Pod& pod) {
  std::string toml = fmt::format(
      "# `headroom run`'s options for {} (written by headroom unit --kubernetes; man "
      "headroom-run).\n",
      in.server.name);
  for (const auto& [key, values] : pod.config) {
    if (!values.front()) {
      toml += key + " = true\n";
    } else if (key == "evict") {  // the one flag given more than once
      std::vector<std::string> v;
      for (const auto& x : values)
        v.push_back(*x);
      toml += key + " = " + toml_array(v, 0) + "\n";
    } else {
      toml += key + " = " + toml_str(*values.back()) + "\n";
    }
  }
  if (pod.metrics_ours) {
    toml += "# The pod's address: the kubelet's probes and Prometheus reach it there.\n";
    toml += fmt::format("metrics = {}\n", toml_str(pod.metrics_text));
  }
  if (!in.server.events_given) {
    toml += "# One JSON object per event in the pod log (kubectl logs), beside headroom's lines.\n";
    toml += "events = \"/dev/stdout\"\n";
  }
  toml += "command = " + toml_array(pod.server.argv, 0) + "\n";
  return toml;
}

// The comment at the top: what the documents do, the Pod Security level, the notes.
std::string render_header(const KubernetesInput& in, const Pod& pod) {
  std::string y = fmt::format(
      "# Written by headroom {} (headroom unit --kubernetes): {} on one unified-memory node.\n"
      "#   - the init container wait-for-memory gates the pod on the node's memory (the old pod's\n"
      "#     comes back slowly after it is deleted), reading the host's /proc and /sys;\n"
      "#   - `headroom run` is the server container's entrypoint: the gate before every restart,\n"
      "#     start limits, a verdict for every death, metrics, /ready and /live for the probes;\n"
      "#   - {} must hold /usr/bin/headroom\n"
      "#     (examples/kubernetes/Containerfile builds one); it is copied into the server's pod.\n"
      "# Who restarts what (headroom vs CrashLoopBackOff): "
      "/usr/share/doc/headroom/examples/kubernetes/README.md\n"
      "# Pod Security Standard: {}.\n",
      HEADROOM_VERSION, in.server.name, headroom_image_of(in), pod.pod_security);
  for (const std::string& n : pod.notes)
    y += "# Note: " + one_line(n) + "\n";
  return y;
}

std::string render_config_map(const KubernetesInput& in, const Pod& pod) {
  const std::string& name = in.server.name;
  std::string y = fmt::format(
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {}-headroom\n  labels:\n"
      "    app.kubernetes.io/name: {}\n    app.kubernetes.io/managed-by: headroom\ndata:\n"
      "  # `headroom run --config`: each key a long option of `headroom run` without its dashes.\n"
      "  {}.toml: |\n",
      name, name, name);
  const std::string toml = render_toml(in, pod);
  LineReader lines(toml);
  for (std::string_view l; lines.next(l);)
    y += l.empty() ? "\n" : fmt::format("    {}\n", l);
  return y;
}

// The Deployment down to its init containers: metadata, strategy, the pod's own settings.
std::string deployment_head(const KubernetesInput& in, const Pod& pod) {
  std::string y = fmt::format(
      "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {0}\n  labels:\n"
      "    app.kubernetes.io/name: {0}\n    app.kubernetes.io/managed-by: headroom\nspec:\n"
      "  replicas: 1\n"
      "  # Never two servers in one memory pool: the old pod goes before the new one is made.\n"
      "  strategy:\n    type: Recreate\n  selector:\n    matchLabels:\n"
      "      app.kubernetes.io/name: {0}\n  template:\n    metadata:\n      labels:\n"
      "        app.kubernetes.io/name: {0}\n      annotations:\n"
      "        prometheus.io/scrape: \"true\"\n        prometheus.io/port: \"{1}\"\n"
      "        prometheus.io/path: /metrics\n    spec:\n"
      "      # kubectl label node NODE headroom.dev/unified-memory=true\n"
      "      nodeSelector:\n        headroom.dev/unified-memory: \"true\"\n",
      in.server.name, pod.metrics.port);
  y += "      # The seccomp profile docker run gives a container by default.\n"
       "      securityContext:\n        seccompProfile:\n          type: RuntimeDefault\n";
  if (pod.server.host_ipc) y += "      hostIPC: true\n";
  if (pod.server.host_network) y += "      hostNetwork: true\n";
  if (const Duration stop = in.server.stop_timeout; stop != kForever) {
    y += fmt::format(
        "      # headroom's --stop-timeout and a margin: SIGTERM reaches headroom (PID 1), which "
        "stops\n      # the server's whole process group and waits for it.\n"
        "      terminationGracePeriodSeconds: {}\n",
        std::chrono::ceil<std::chrono::seconds>(stop + kGraceMargin).count());
  }
  return y;
}

// headroom copied into the pod, and the gate on the host's view.
std::string init_containers(const KubernetesInput& in, const Pod& pod) {
  const std::string headroom_image = headroom_image_of(in);
  std::string y = fmt::format(
      "      initContainers:\n        - name: install-headroom\n          image: {}\n"
      "          command: [cp, /usr/bin/headroom, /opt/headroom/headroom]\n"
      "          volumeMounts:\n            - name: headroom-bin\n"
      "              mountPath: /opt/headroom\n",
      yaml_str(headroom_image));
  if (!pod.gated) return y;
  // The gate's own flags, on the host's view: the pool is the whole node (--cgroup /), and
  // the init container has no GPU (the server's pod holds it) nor the model files.
  const ServerGate& gate = in.server.gate;
  std::vector<std::string> wait = {"headroom", "wait", "--root", "/host", "--cgroup", "/"};
  const auto add = [&](const char* flag, const std::string& v) {
    if (v.empty()) return;
    wait.push_back(flag);
    wait.push_back(v);
  };
  add("--free", gate.free);
  add("--max-pressure", gate.max_pressure);
  add("--settle", gate.settle.text);
  add("--timeout", gate.timeout.text);
  add("--interval", gate.interval.text);
  wait.push_back("--no-gpu");
  y += fmt::format(
      "        - name: wait-for-memory\n          image: {}\n          command:\n{}"
      "          volumeMounts:\n            - name: host-proc\n"
      "              mountPath: /host/proc\n              readOnly: true\n"
      "            - name: host-sys\n              mountPath: /host/sys\n"
      "              readOnly: true\n",
      yaml_str(headroom_image), yaml_list(wait, 12));
  return y;
}

// The server container's env, ports and resources.
std::string server_env_ports_resources(const KubernetesInput& in, const Pod& pod) {
  const Server& s = pod.server;
  std::string y;
  if (!s.env.empty()) {
    y += "          env:\n";
    for (const EnvVar& v : s.env) {
      if (v.secret) {
        y += fmt::format(
            "            - name: {}\n              valueFrom:\n                secretKeyRef:\n"
            "                  name: {}-secrets\n                  key: {}\n",
            yaml_str(v.name), in.server.name, yaml_str(v.name));
      } else {
        y += fmt::format("            - name: {}\n              value: {}\n", yaml_str(v.name),
                         yaml_str(v.value));
      }
    }
  }
  y += "          ports:\n";
  for (const Port& p : s.ports) {
    y += fmt::format("            - name: {}\n              containerPort: {}\n", p.name, p.port);
    if (p.protocol != "TCP") y += fmt::format("              protocol: {}\n", p.protocol);
  }
  y += fmt::format("            - name: metrics\n              containerPort: {}\n",
                   pod.metrics.port);
  if (s.gpu || pod.request) {
    y += "          resources:\n";
    if (pod.request) {
      y += fmt::format(
          "            # The gate's target (--free): no limit, see the note above.\n"
          "            requests:\n              memory: {}\n",
          quantity(*pod.request));
    }
    if (s.gpu) {
      y += "            limits:\n"
           "              # The node's GPU, through the NVIDIA device plugin.\n"
           "              nvidia.com/gpu: 1\n";
    }
  }
  return y;
}

// The kubelet's probes on headroom's /ready and /live.
std::string server_probes(const KubernetesInput& in) {
  const ServerConfig& c = in.server;
  std::string y;
  if (const auto threshold = startup_threshold(c.gate.timeout.value, c.startup_timeout.value)) {
    y += fmt::format(
        "          # The memory gate and the model load take minutes: /ready answers 503 until "
        "the\n          # server is healthy. {} s x {}: above headroom's gate timeout ({}) plus "
        "its\n          # startup timeout ({}), so headroom decides first and says why.\n"
        "          startupProbe:\n            httpGet:\n              path: /ready\n"
        "              port: metrics\n            periodSeconds: {}\n"
        "            failureThreshold: {}\n",
        kProbePeriodSeconds, *threshold, c.gate.timeout.text, c.startup_timeout.text,
        kProbePeriodSeconds, *threshold);
  }
  y += fmt::format(
      "          readinessProbe:\n            httpGet:\n              path: /ready\n"
      "              port: metrics\n            periodSeconds: {}\n"
      "            failureThreshold: 3\n"
      "          # headroom, not the server: headroom restarts a wedged server itself; the "
      "kubelet\n          # restarts only a headroom that stopped answering.\n"
      "          livenessProbe:\n            httpGet:\n              path: /live\n"
      "              port: metrics\n            periodSeconds: 20\n            timeoutSeconds: 5\n"
      "            failureThreshold: 3\n",
      kProbePeriodSeconds);
  return y;
}

// The server container: its image under `headroom run --config`, probes, mounts.
std::string server_container_yaml(const KubernetesInput& in, const Pod& pod) {
  const Server& s = pod.server;
  const std::string& name = in.server.name;
  std::string y = fmt::format(
      "      containers:\n        - name: {}\n          image: {}\n          command:\n{}", name,
      yaml_str(s.image),
      yaml_list({"/opt/headroom/headroom", "run", "--config", "/etc/headroom/" + name + ".toml",
                 "--name", name},
                12));
  if (!s.workdir.empty()) y += fmt::format("          workingDir: {}\n", yaml_str(s.workdir));
  y += server_env_ports_resources(in, pod);
  y += server_probes(in);
  y += "          volumeMounts:\n            - name: headroom-bin\n"
       "              mountPath: /opt/headroom\n              readOnly: true\n"
       "            - name: headroom-config\n              mountPath: /etc/headroom\n"
       "              readOnly: true\n";
  for (const Volume& v : s.volumes) {
    y += fmt::format("            - name: {}\n              mountPath: {}\n", v.name,
                     yaml_str(v.mount_path));
    if (v.read_only) y += "              readOnly: true\n";
  }
  if (!s.host_ipc) {
    y += "            # Shared memory for the engine's workers (docker's 64 MiB default is too "
         "small).\n            - name: shm\n              mountPath: /dev/shm\n";
  }
  return y;
}

std::string pod_volumes(const KubernetesInput& in, const Pod& pod) {
  const Server& s = pod.server;
  std::string y = fmt::format(
      "      volumes:\n        - name: headroom-bin\n          emptyDir: {{}}\n"
      "        - name: headroom-config\n          configMap:\n            name: {}-headroom\n",
      in.server.name);
  if (pod.gated) {
    y += "        - name: host-proc\n          hostPath:\n            path: /proc\n"
         "        - name: host-sys\n          hostPath:\n            path: /sys\n";
  }
  for (const Volume& v : s.volumes) {
    if (v.claim.empty()) {
      y += fmt::format("        - name: {}\n          hostPath:\n            path: {}\n", v.name,
                       yaml_str(v.host_path));
    } else {
      y += fmt::format(
          "        - name: {}\n          persistentVolumeClaim:\n            claimName: {}\n",
          v.name, v.claim);
      if (v.read_only) y += "            readOnly: true\n";
    }
  }
  if (!s.host_ipc) {
    y += "        - name: shm\n          emptyDir:\n            medium: Memory\n";
    if (s.shm_bytes) y += fmt::format("            sizeLimit: {}\n", quantity(*s.shm_bytes));
  }
  return y;
}

std::string render_deployment(const KubernetesInput& in, const Pod& pod) {
  return deployment_head(in, pod) + init_containers(in, pod) + server_container_yaml(in, pod) +
         pod_volumes(in, pod);
}

// The Service: the server's ports and headroom's metrics.
std::string render_service(const KubernetesInput& in, const Pod& pod) {
  std::string y = fmt::format(
      "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {0}\n  labels:\n"
      "    app.kubernetes.io/name: {0}\n    app.kubernetes.io/managed-by: headroom\nspec:\n"
      "  selector:\n    app.kubernetes.io/name: {0}\n  ports:\n",
      in.server.name);
  for (const Port& p : pod.server.ports) {
    y += fmt::format("    - name: {}\n      port: {}\n      targetPort: {}\n", p.name, p.port,
                     p.name);
    if (p.protocol != "TCP") y += fmt::format("      protocol: {}\n", p.protocol);
  }
  y += fmt::format("    - name: metrics\n      port: {}\n      targetPort: metrics\n",
                   pod.metrics.port);
  return y;
}

// The Prometheus Operator's scrape of headroom's /metrics (monitoring.coreos.com/v1).
std::string render_pod_monitor(const KubernetesInput& in) {
  return fmt::format(
      "---\napiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata:\n  name: {0}\n"
      "  labels:\n    app.kubernetes.io/name: {0}\n    app.kubernetes.io/managed-by: headroom\n"
      "spec:\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: {0}\n"
      "  podMetricsEndpoints:\n    - port: metrics\n      path: /metrics\n"
      "      interval: 30s\n",
      in.server.name);
}

}  // namespace kube

Status validate_for_kubernetes(const ServerConfig& server) {
  return kube::validate(server);
}

Result<KubernetesManifests> kubernetes_manifests(const KubernetesInput& in) {
  using namespace kube;
  if (Status st = validate(in.server); !st) return st.error();
  auto pod = translate(in);
  if (!pod) return pod.error();
  KubernetesManifests out;
  out.yaml = render_header(in, *pod) + render_config_map(in, *pod) + render_deployment(in, *pod) +
             render_service(in, *pod);
  if (in.pod_monitor) out.yaml += render_pod_monitor(in);
  out.notes = std::move(pod->notes);
  return out;
}

}  // namespace headroom::emit
