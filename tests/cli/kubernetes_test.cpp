// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// examples/kubernetes: the manifests validate against the Kubernetes API's schemas (kubernetes-
// models from npm, installed by scripts/deps.sh test), and the fields headroom relies on are there
// and agree with each other: the init container's gate reads the host's /proc and /sys where it
// mounts them, the server container runs `headroom run --config` on the ConfigMap's TOML (which
// headroom itself accepts), the probes reach /ready and /live on the metrics port, the startup
// probe outlasts headroom's own timeouts, the grace period its stop timeout.
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "cli/config_file.h"
#include "core/duration.h"
#include "helpers/seed.h"
#include "helpers/subprocess.h"

namespace headroom {
namespace {

namespace fs = std::filesystem;
using test::run;
using test::RunResult;

const std::string kExample =
    std::string(HEADROOM_SOURCE_DIR) + "/examples/kubernetes/sglang-deployment.yaml";

RunResult validate(const std::string& file) {
  const std::string script = std::string(HEADROOM_SOURCE_DIR) + "/tests/k8s/validate.mjs";
  return run({"node", script, file}, {}, test::kPatience);
}

void need_validator() {
  ASSERT_NE(run({"node", "--version"}).exit_code, 127)
      << "node is missing: scripts/deps.sh test installs nodejs";
  for (const std::string pkg : {"kubernetes-models", "@kubernetes-models/prometheus-operator"}) {
    ASSERT_TRUE(fs::exists(std::string(HEADROOM_SOURCE_DIR) + "/tests/k8s/node_modules/" + pkg))
        << pkg << " is missing from tests/k8s/node_modules: scripts/deps.sh test runs npm ci";
  }
}

TEST(Kubernetes, ManifestsValidateAgainstTheApiSchemas) {
  need_validator();
  const RunResult r = validate(kExample);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("(ConfigMap sglang-headroom): valid"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(Deployment sglang): valid"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(Service sglang): valid"), std::string::npos) << r.out;
  // The validator does fail: a missing selector, a port number as a string, a kind it does not
  // know.
  const RunResult b = validate(std::string(HEADROOM_FIXTURES) + "/k8s/broken.yaml");
  EXPECT_EQ(b.exit_code, 1) << b.out << b.err;
  EXPECT_NE(b.out.find("(Deployment broken): "), std::string::npos) << b.out;
  EXPECT_EQ(b.out.find("(Deployment broken): valid"), std::string::npos) << b.out;
  EXPECT_NE(b.out.find("selector"), std::string::npos) << b.out;
  EXPECT_NE(b.out.find("containerPort must be integer"), std::string::npos) << b.out;
  EXPECT_EQ(b.out.find("(Service broken): valid"), std::string::npos) << b.out;
  EXPECT_NE(b.out.find("unknown apiVersion/kind example.com/v1 Nonesuch"), std::string::npos);
  EXPECT_NE(b.out.find("(PodMonitor broken): "), std::string::npos) << b.out;
  EXPECT_EQ(b.out.find("(PodMonitor broken): valid"), std::string::npos) << b.out;
}

std::vector<std::string> strings(const YAML::Node& n) {
  std::vector<std::string> out;
  for (const auto& w : n)
    out.push_back(w.as<std::string>());
  return out;
}

const YAML::Node* find_named(const std::vector<YAML::Node>& list, const std::string& name) {
  for (const YAML::Node& n : list) {
    if (n["name"] && n["name"].as<std::string>() == name) return &n;
  }
  return nullptr;
}

std::string value_after(const std::vector<std::string>& argv, const std::string& flag) {
  auto it = std::find(argv.begin(), argv.end(), flag);
  return it != argv.end() && it + 1 != argv.end() ? *(it + 1) : std::string();
}

int64_t seconds(const std::string& d) {
  auto v = parse_duration(d);
  EXPECT_TRUE(static_cast<bool>(v)) << d;
  return v ? std::chrono::duration_cast<std::chrono::seconds>(*v).count() : 0;
}

// The checks, for the hand-written example and for what `headroom unit --kubernetes` writes.
void check_fields_headroom_relies_on(const std::vector<YAML::Node>& docs) {
  std::map<std::string, YAML::Node> by_kind;
  for (const YAML::Node& doc : docs) {
    by_kind[doc["kind"].as<std::string>()] = doc;
  }
  ASSERT_EQ(by_kind.count("Deployment"), 1u);
  ASSERT_EQ(by_kind.count("ConfigMap"), 1u);
  const YAML::Node dep = by_kind["Deployment"];
  EXPECT_EQ(dep["spec"]["strategy"]["type"].as<std::string>(), "Recreate");
  EXPECT_EQ(dep["spec"]["replicas"].as<int>(), 1);
  const YAML::Node pod = dep["spec"]["template"]["spec"];
  std::vector<YAML::Node> volumes, inits, containers;
  for (const auto& v : pod["volumes"])
    volumes.push_back(v);
  for (const auto& c : pod["initContainers"])
    inits.push_back(c);
  for (const auto& c : pod["containers"])
    containers.push_back(c);
  ASSERT_EQ(containers.size(), 1u);

  // Container fields we wrote, against the API's names (the schemas accept unknown fields).
  const std::set<std::string> known = {
      "name",          "image",           "command",         "args",         "env",
      "ports",         "resources",       "volumeMounts",    "startupProbe", "readinessProbe",
      "livenessProbe", "securityContext", "imagePullPolicy", "workingDir"};
  for (const auto* list : {&inits, &containers}) {
    for (const YAML::Node& c : *list) {
      for (const auto& kv : c) {
        EXPECT_EQ(known.count(kv.first.as<std::string>()), 1u) << kv.first.as<std::string>();
      }
    }
  }

  // Where each volume is mounted in a container: path -> the volume's node.
  auto mounts_of = [&](const YAML::Node& c) {
    std::map<std::string, const YAML::Node*> out;
    for (const auto& m : c["volumeMounts"]) {
      const YAML::Node* v = find_named(volumes, m["name"].as<std::string>());
      EXPECT_NE(v, nullptr) << m["name"].as<std::string>();
      if (v != nullptr) out[m["mountPath"].as<std::string>()] = v;
    }
    return out;
  };

  // The gate: headroom wait with --root R, the host's /proc and /sys mounted under R.
  const YAML::Node* wait = find_named(inits, "wait-for-memory");
  ASSERT_NE(wait, nullptr);
  const std::vector<std::string> wait_argv = strings((*wait)["command"]);
  ASSERT_GE(wait_argv.size(), 2u);
  EXPECT_EQ(wait_argv[1], "wait");
  const std::string root = value_after(wait_argv, "--root");
  ASSERT_FALSE(root.empty());
  const auto wait_mounts = mounts_of(*wait);
  for (const std::string dir : {"/proc", "/sys"}) {
    ASSERT_EQ(wait_mounts.count(root + dir), 1u) << root + dir;
    EXPECT_EQ((*wait_mounts.at(root + dir))["hostPath"]["path"].as<std::string>(), dir);
  }
  // The same flags, with a fixture tree for the host: headroom takes them (a timeout, exit 1, is
  // fine here; a usage error, exit 2, is not).
  std::vector<std::string> fixture_wait = wait_argv;
  fixture_wait[0] = test::headroom_bin();
  const std::vector<std::pair<std::string, std::string>> values = {
      {"--root", test::fixtures_dir() + "/gb10"}, {"--timeout", "200ms"}};
  for (const auto& [flag, value] : values) {
    auto at = std::find(fixture_wait.begin(), fixture_wait.end(), flag);
    ASSERT_TRUE(at != fixture_wait.end() && std::next(at) != fixture_wait.end()) << flag;
    *std::next(at) = value;
  }
  const RunResult w = run(fixture_wait);
  EXPECT_TRUE(w.exit_code == 0 || w.exit_code == 1) << w.exit_code << w.err;
  const int64_t gate_timeout = seconds(value_after(wait_argv, "--timeout"));

  // The server: headroom run --config FILE, FILE a key of the ConfigMap mounted at its directory,
  // headroom itself copied by the first init container into the directory it is run from.
  const YAML::Node& server = containers[0];
  const std::vector<std::string> run_argv = strings(server["command"]);
  ASSERT_GE(run_argv.size(), 4u);
  EXPECT_EQ(run_argv[1], "run");
  const fs::path binary = run_argv[0];
  const YAML::Node* install = find_named(inits, "install-headroom");
  ASSERT_NE(install, nullptr);
  const std::vector<std::string> cp = strings((*install)["command"]);
  ASSERT_EQ(cp.size(), 3u);
  EXPECT_EQ(cp[0], "cp");
  const auto install_mounts = mounts_of(*install);
  const auto server_mounts = mounts_of(server);
  ASSERT_EQ(install_mounts.count(fs::path(cp[2]).parent_path().string()), 1u) << cp[2];
  ASSERT_EQ(server_mounts.count(binary.parent_path().string()), 1u) << binary;
  EXPECT_EQ(install_mounts.at(fs::path(cp[2]).parent_path().string()),
            server_mounts.at(binary.parent_path().string()));
  EXPECT_EQ(fs::path(cp[2]).filename(), binary.filename());

  const fs::path config = value_after(run_argv, "--config");
  ASSERT_EQ(server_mounts.count(config.parent_path().string()), 1u) << config;
  const YAML::Node* cm_volume = server_mounts.at(config.parent_path().string());
  const YAML::Node cm = by_kind["ConfigMap"];
  EXPECT_EQ((*cm_volume)["configMap"]["name"].as<std::string>(),
            cm["metadata"]["name"].as<std::string>());
  ASSERT_TRUE(cm["data"][config.filename().string()]) << config;
  const std::string toml = cm["data"][config.filename().string()].as<std::string>();

  // headroom reads the TOML (through the same --config as in the pod) and writes what it runs.
  const std::string d = test::scratch_dir() + "/k8s-config-" + std::to_string(::getpid());
  fs::create_directories(d);
  std::ofstream(d + "/" + config.filename().string()) << toml;
  const RunResult u = run({test::headroom_bin(), "unit", "--name", "k8s", "--config",
                           d + "/" + config.filename().string()});
  ASSERT_EQ(u.exit_code, 0) << u.err;
  std::string exec = u.out;  // ExecStart= continued over lines where the binary's path is long
  for (size_t at; (at = exec.find(" \\\n    ")) != std::string::npos;)
    exec.replace(at, 7, " ");
  EXPECT_NE(exec.find("--metrics 0.0.0.0:9464"), std::string::npos) << u.out;
  EXPECT_NE(u.out.find("/dev/stdout"), std::string::npos) << u.out;  // --events
  EXPECT_NE(u.out.find("sglang.launch_server"), std::string::npos) << u.out;

  // Probes: /ready (startup, readiness) and /live (liveness) on the port headroom's --metrics
  // listens on.
  int metrics_port = 0;
  for (const auto& p : server["ports"]) {
    if (p["name"].as<std::string>() == "metrics") metrics_port = p["containerPort"].as<int>();
  }
  EXPECT_EQ(metrics_port, 9464);
  const std::map<std::string, std::string> probes = {
      {"startupProbe", "/ready"}, {"readinessProbe", "/ready"}, {"livenessProbe", "/live"}};
  for (const auto& [probe, path] : probes) {
    ASSERT_TRUE(server[probe]) << probe;
    EXPECT_EQ(server[probe]["httpGet"]["path"].as<std::string>(), path) << probe;
    EXPECT_EQ(server[probe]["httpGet"]["port"].as<std::string>(), "metrics") << probe;
  }
  // The startup probe gives headroom's gate and startup timeouts room to act first.
  const YAML::Node sp = server["startupProbe"];
  const int64_t startup_allowance =
      sp["periodSeconds"].as<int64_t>() * sp["failureThreshold"].as<int64_t>();
  auto toml_value = [&](const std::string& key) {
    const size_t at = toml.find("\n" + key + " = \"");
    EXPECT_NE(at, std::string::npos) << key;
    const size_t from = toml.find('"', at) + 1;
    return toml.substr(from, toml.find('"', from) - from);
  };
  EXPECT_GT(startup_allowance, std::max(gate_timeout, seconds(toml_value("timeout"))) +
                                   seconds(toml_value("startup-timeout")));
  EXPECT_GT(pod["terminationGracePeriodSeconds"].as<int64_t>(),
            seconds(toml_value("stop-timeout")));
}

TEST(Kubernetes, TheFieldsHeadroomReliesOn) {
  check_fields_headroom_relies_on(YAML::LoadAllFromFile(kExample));
}

// ---- headroom unit --kubernetes ----

namespace kube_unit {

// headroom unit --kubernetes ARGS, as a user runs it; its stdout also in a file for the validator.
struct Generated {
  RunResult r;
  std::string file;
  std::vector<YAML::Node> docs;
};

Generated generate(const std::string& tag, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"unit", "--kubernetes"};
  argv.insert(argv.end(), args.begin(), args.end());
  Generated g{test::run_headroom(argv),
              test::scratch_dir() + "/k8s-" + tag + "-" + std::to_string(::getpid()) + ".yaml",
              {}};
  std::ofstream(g.file) << g.r.out;
  if (g.r.exit_code == 0) g.docs = YAML::LoadAll(g.r.out);
  return g;
}

YAML::Node of_kind(const Generated& g, const std::string& kind) {
  for (const YAML::Node& d : g.docs) {
    if (d["kind"].as<std::string>() == kind) return d;
  }
  ADD_FAILURE() << "no " << kind << " in\n" << g.r.out;
  return YAML::Node();
}

// The ConfigMap's TOML read back by headroom's own --config reader: the server's argv.
std::vector<std::string> command_from_toml(const Generated& g, const std::string& name) {
  const std::string toml = of_kind(g, "ConfigMap")["data"][name + ".toml"].as<std::string>();
  auto flags = config_flags(name + ".toml", toml, {}, false);
  EXPECT_TRUE(static_cast<bool>(flags)) << (flags ? "" : flags.error().message) << "\n" << toml;
  return flags ? flags->command : std::vector<std::string>{};
}

// The seed's line with two more flags: one translated (-e), one without a pod counterpart.
std::vector<std::string> seed_docker_plus() {
  std::vector<std::string> line = test::seed_docker_run();
  const auto image = std::find(line.begin(), line.end(), "lmsysorg/sglang:spark");
  line.insert(image, {"-e", "HF_HOME=/models/hf", "--privileged"});
  return line;
}

TEST(KubernetesUnit, TheSeedsDockerLineBecomesManifestsThatValidate) {
  need_validator();
  std::vector<std::string> args = {"--name",
                                   "sglang",
                                   "--free",
                                   "79G",
                                   "--timeout",
                                   "10m",
                                   "--startup-timeout",
                                   "30m",
                                   "--stop-timeout",
                                   "60s",
                                   "--health",
                                   "http://127.0.0.1:30000/health",
                                   "--cgroup",
                                   "/system.slice/sglang.service",
                                   "--"};
  const std::vector<std::string> docker = seed_docker_plus();
  args.insert(args.end(), docker.begin(), docker.end());
  const Generated g = generate("seed", args);
  ASSERT_EQ(g.r.exit_code, 0) << g.r.err;
  const RunResult v = validate(g.file);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  for (const std::string doc : {"(ConfigMap sglang-headroom): valid", "(Deployment sglang): valid",
                                "(Service sglang): valid"}) {
    EXPECT_NE(v.out.find(doc), std::string::npos) << v.out;
  }
  // The same checks as the hand-written example passes.
  check_fields_headroom_relies_on(g.docs);

  // The docker line translated: image, the command after it, -e, -v, -p, --gpus, --ipc=host.
  const YAML::Node pod = of_kind(g, "Deployment")["spec"]["template"]["spec"];
  const YAML::Node server = pod["containers"][0];
  EXPECT_EQ(server["image"].as<std::string>(), "lmsysorg/sglang:spark");
  EXPECT_EQ(command_from_toml(g, "sglang"),
            std::vector<std::string>(docker.begin() + 16, docker.end()));
  EXPECT_EQ(server["env"][0]["name"].as<std::string>(), "HF_HOME");
  EXPECT_EQ(server["env"][0]["value"].as<std::string>(), "/models/hf");
  EXPECT_EQ(server["ports"][0]["containerPort"].as<int>(), 30000);
  EXPECT_EQ(server["resources"]["limits"]["nvidia.com/gpu"].as<int>(), 1);
  EXPECT_TRUE(pod["hostIPC"].as<bool>());
  bool models = false;
  for (const auto& m : server["volumeMounts"]) {
    if (m["mountPath"].as<std::string>() != "/models") continue;
    for (const auto& vol : pod["volumes"]) {
      if (vol["name"].as<std::string>() == m["name"].as<std::string>()) {
        models = vol["hostPath"]["path"].as<std::string>() == "/models";
      }
    }
  }
  EXPECT_TRUE(models) << g.r.out;
  const YAML::Node svc = of_kind(g, "Service");
  EXPECT_EQ(svc["spec"]["ports"][0]["port"].as<int>(), 30000);
  // The gate in the init container has the run's target and timeout.
  bool gate = false;
  for (const auto& c : pod["initContainers"]) {
    if (c["name"].as<std::string>() != "wait-for-memory") continue;
    const auto argv = strings(c["command"]);
    gate = value_after(argv, "--free") == "79G" && value_after(argv, "--timeout") == "10m";
  }
  EXPECT_TRUE(gate) << g.r.out;
  // What has no pod counterpart is said, on stderr and in the file, not dropped silently.
  EXPECT_NE(g.r.err.find("not translated from the docker line"), std::string::npos) << g.r.err;
  EXPECT_NE(g.r.err.find("--privileged"), std::string::npos) << g.r.err;
  EXPECT_NE(g.r.out.find("# Note: not translated from the docker line"), std::string::npos);
  // The host's cgroup means nothing in the pod: left out of the TOML, and said.
  EXPECT_NE(g.r.err.find("--cgroup /system.slice/sglang.service left out"), std::string::npos);
  EXPECT_EQ(of_kind(g, "ConfigMap")["data"]["sglang.toml"].as<std::string>().find("cgroup"),
            std::string::npos);
}

// Every word survives YAML and TOML quoting: YAML 1.1's booleans and numbers, quotes, backslashes,
// %, $, newlines, a comment sign, flow indicators, non-ASCII text.
TEST(KubernetesUnit, ArgumentsSurviveTheQuotingExactly) {
  need_validator();
  const std::vector<std::string> words = {"/opt/server/bin/serve",
                                          "a b",
                                          "say \"hi\"",
                                          "100%",
                                          "$HOME",
                                          "back\\slash",
                                          "tab\there",
                                          "line\nbreak",
                                          "yes",
                                          "no",
                                          "on",
                                          "off",
                                          "null",
                                          "~",
                                          "0x1F",
                                          "1e3",
                                          "30000",
                                          ": x",
                                          "#not a comment",
                                          "- dash",
                                          "[x]",
                                          "{y}",
                                          "ünïcødé",
                                          "",
                                          "--flag=v",
                                          "key:",
                                          "'single'",
                                          "\x7f",
                                          "*alias",
                                          "&anchor",
                                          "!tag",
                                          "|",
                                          ">"};
  const std::vector<std::string> env = {"-e", "A=yes",     "-e", "B=1e3",
                                        "-e", "C=x: y #z", "-e", "D=\"q\"\\"};
  std::vector<std::string> docker = {"docker", "run",          "--shm-size", "16g",
                                     "-w",     "/work dir",    "-v",         "/data dir:/in pod:ro",
                                     "-p",     "8000:8000/udp"};
  docker.insert(docker.end(), env.begin(), env.end());
  // Not translated, so it is named in a YAML comment: its newline must not end the comment.
  docker.insert(docker.end(), {"--label", "x=1\nkind: Secret"});
  docker.push_back("registry.example.com:5000/team/server:1.0");
  docker.insert(docker.end(), words.begin(), words.end());
  std::vector<std::string> args = {"--name", "odd-1",   "--free",  "70G",       "--evict",
                                   "/m/a b", "--evict", "/m/100%", "--no-lint", "--"};
  args.insert(args.end(), docker.begin(), docker.end());
  const Generated g = generate("quoting", args);
  ASSERT_EQ(g.r.exit_code, 0) << g.r.err;
  const RunResult v = validate(g.file);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err << g.r.out;
  EXPECT_EQ(command_from_toml(g, "odd-1"), words);
  const std::string toml = of_kind(g, "ConfigMap")["data"]["odd-1.toml"].as<std::string>();
  auto flags = config_flags("odd-1.toml", toml, {}, false);
  ASSERT_TRUE(static_cast<bool>(flags));
  const std::vector<std::string> want_flags = {"--free=70G", "--evict=/m/a b", "--evict=/m/100%",
                                               "--no-lint"};
  for (const std::string& want : want_flags) {
    EXPECT_NE(std::find(flags->flags.begin(), flags->flags.end(), want), flags->flags.end())
        << want;
  }
  const YAML::Node pod = of_kind(g, "Deployment")["spec"]["template"]["spec"];
  const YAML::Node server = pod["containers"][0];
  EXPECT_EQ(server["image"].as<std::string>(), "registry.example.com:5000/team/server:1.0");
  EXPECT_EQ(server["workingDir"].as<std::string>(), "/work dir");
  const std::vector<std::pair<std::string, std::string>> want_env = {
      {"A", "yes"}, {"B", "1e3"}, {"C", "x: y #z"}, {"D", "\"q\"\\"}};
  ASSERT_EQ(server["env"].size(), want_env.size());
  for (size_t i = 0; i < want_env.size(); ++i) {
    EXPECT_EQ(server["env"][i]["name"].as<std::string>(), want_env[i].first);
    EXPECT_EQ(server["env"][i]["value"].as<std::string>(), want_env[i].second);
  }
  EXPECT_EQ(server["ports"][0]["protocol"].as<std::string>(), "UDP");
  bool data = false, shm = false;
  for (const auto& vol : pod["volumes"]) {
    if (vol["hostPath"] && vol["hostPath"]["path"].as<std::string>() == "/data dir") data = true;
    if (vol["name"].as<std::string>() == "shm") {
      shm = vol["emptyDir"]["medium"].as<std::string>() == "Memory" &&
            vol["emptyDir"]["sizeLimit"].as<std::string>() == "16Gi";
    }
  }
  EXPECT_TRUE(data && shm) << g.r.out;
  EXPECT_EQ(g.docs.size(), 3u) << "the label's newline made no new document";
  EXPECT_NE(g.r.err.find("--label"), std::string::npos) << g.r.err;
  // No --gpus on the docker line: no GPU asked for; the gate's target is the memory request.
  EXPECT_FALSE(server["resources"]["limits"]) << g.r.out;
  EXPECT_EQ(server["resources"]["requests"]["memory"].as<std::string>(), "70Gi");
}

// The systemd example's file (examples/headroom/sglang.toml) turned into manifests: its loopback
// metrics address moves to the pod's, said; everything else is the file's.
TEST(KubernetesUnit, TheSystemdExampleFileBecomesManifests) {
  need_validator();
  const std::string file = std::string(HEADROOM_SOURCE_DIR) + "/examples/headroom/sglang.toml";
  const Generated g = generate("from-toml", {"--name", "sglang", "--config", file});
  ASSERT_EQ(g.r.exit_code, 0) << g.r.err;
  const RunResult v = validate(g.file);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  check_fields_headroom_relies_on(g.docs);
  EXPECT_NE(g.r.err.find("--metrics 127.0.0.1:9464 becomes 0.0.0.0:9464"), std::string::npos)
      << g.r.err;
  const std::string toml = of_kind(g, "ConfigMap")["data"]["sglang.toml"].as<std::string>();
  EXPECT_EQ(toml.find("127.0.0.1:9464"), std::string::npos) << toml;
  EXPECT_NE(toml.find("probe-post = \"http://127.0.0.1:30000/generate\""), std::string::npos);
  const std::vector<std::string> cmd = command_from_toml(g, "sglang");
  ASSERT_FALSE(cmd.empty());
  EXPECT_EQ(cmd.front(), "python3");
}

TEST(KubernetesUnit, APlainCommandWithoutATargetHasNoGateAndSaysSo) {
  need_validator();
  const Generated g = generate(
      "plain", {"--name", "llama", "--image", "ghcr.io/ggml-org/llama.cpp:server", "--metrics",
                "0.0.0.0:9100", "--", "/app/llama-server", "-m", "/models/q4.gguf"});
  ASSERT_EQ(g.r.exit_code, 0) << g.r.err;
  const RunResult v = validate(g.file);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_NE(v.out.find("(Deployment llama): valid"), std::string::npos) << v.out;
  // The engine's port (llama-server's 8080; the image's ENV binds it to 0.0.0.0, so no --host
  // is added) and headroom's metrics, in the Service.
  const YAML::Node ports = of_kind(g, "Service")["spec"]["ports"];
  ASSERT_EQ(ports.size(), 2u) << g.r.out;
  EXPECT_EQ(ports[0]["port"].as<int>(), 8080);
  EXPECT_EQ(ports[1]["name"].as<std::string>(), "metrics");
  EXPECT_EQ(ports[1]["port"].as<int>(), 9100);
  EXPECT_NE(g.r.err.find("no --free or --max-pressure"), std::string::npos) << g.r.err;
  const YAML::Node pod = of_kind(g, "Deployment")["spec"]["template"]["spec"];
  ASSERT_EQ(pod["initContainers"].size(), 1u);
  EXPECT_EQ(pod["initContainers"][0]["name"].as<std::string>(), "install-headroom");
  EXPECT_EQ(pod["containers"][0]["ports"][0]["containerPort"].as<int>(), 8080);
  EXPECT_EQ(pod["containers"][0]["ports"][1]["containerPort"].as<int>(), 9100);
  EXPECT_EQ(pod["containers"][0]["resources"]["limits"]["nvidia.com/gpu"].as<int>(), 1);
  EXPECT_EQ(command_from_toml(g, "llama"),
            (std::vector<std::string>{"/app/llama-server", "-m", "/models/q4.gguf"}));
}

// A command for the image's ENTRYPOINT (vllm/vllm-openai takes only vLLM's flags after the image)
// becomes the whole command, since headroom run is the pod's command; where the entrypoint is not
// known, flags first are refused with the fix rather than run as a program (exit 127).
TEST(KubernetesUnit, AnImagesEntrypointIsWrittenOutOrTheCommandRefused) {
  need_validator();
  const Generated docker =
      generate("vllm-docker",
               {"--name", "vllm", "--", "docker", "run", "--gpus", "all", "-p", "8000:8000",
                "vllm/vllm-openai:v0.11.0", "--model", "/models/q", "--max-model-len", "8192"});
  ASSERT_EQ(docker.r.exit_code, 0) << docker.r.err;
  EXPECT_EQ(command_from_toml(docker, "vllm"),
            (std::vector<std::string>{"vllm", "serve", "--model", "/models/q", "--max-model-len",
                                      "8192"}));
  EXPECT_NE(docker.r.err.find("vllm/vllm-openai's ENTRYPOINT is written out"), std::string::npos)
      << docker.r.err;
  const RunResult v = validate(docker.file);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;

  // With --image, flags first mean the same.
  const Generated plain =
      generate("vllm-plain", {"--name", "vllm", "--image", "docker.io/vllm/vllm-openai:latest",
                              "--", "--model", "/models/q"});
  ASSERT_EQ(plain.r.exit_code, 0) << plain.r.err;
  EXPECT_EQ(command_from_toml(plain, "vllm"),
            (std::vector<std::string>{"vllm", "serve", "--model", "/models/q"}));

  // Nothing after the image: the ENTRYPOINT and the CMD (ollama/ollama: /bin/ollama serve); its
  // ENV binds 0.0.0.0, so no OLLAMA_HOST is added.
  const Generated ollama =
      generate("ollama", {"--name", "ollama", "--", "docker", "run", "ollama/ollama"});
  ASSERT_EQ(ollama.r.exit_code, 0) << ollama.r.err;
  EXPECT_EQ(command_from_toml(ollama, "ollama"),
            (std::vector<std::string>{"/bin/ollama", "serve"}));
  EXPECT_FALSE(of_kind(ollama, "Deployment")["spec"]["template"]["spec"]["containers"][0]["env"])
      << ollama.r.out;
  EXPECT_EQ(of_kind(ollama, "Service")["spec"]["ports"][0]["port"].as<int>(), 11434);

  // --entrypoint given: the words after the image are its arguments.
  const Generated ep = generate(
      "entrypoint", {"--name", "srv", "--", "docker", "run", "--entrypoint", "/usr/bin/serve",
                     "registry.example.com/team/server:1", "--model", "/m"});
  ASSERT_EQ(ep.r.exit_code, 0) << ep.r.err;
  EXPECT_EQ(command_from_toml(ep, "srv"),
            (std::vector<std::string>{"/usr/bin/serve", "--model", "/m"}));

  // An image whose entrypoint is not known, flags first: refused, with the fix.
  const Generated unknown =
      generate("unknown", {"--name", "srv", "--", "docker", "run",
                           "registry.example.com/team/server:1", "--model", "/m"});
  EXPECT_EQ(unknown.r.exit_code, 2);
  EXPECT_EQ(unknown.r.out, "");
  EXPECT_NE(unknown.r.err.find("starts with --model"), std::string::npos) << unknown.r.err;
  EXPECT_NE(unknown.r.err.find("--entrypoint PROGRAM"), std::string::npos) << unknown.r.err;
  EXPECT_NE(unknown.r.err.find("exit 127"), std::string::npos) << unknown.r.err;
  // An image known to have no ENTRYPOINT, flags first: docker would fail the same way.
  const Generated sglang = generate(
      "sglang-flags",
      {"--name", "sglang", "--", "docker", "run", "lmsysorg/sglang:latest", "--model-path", "/m"});
  EXPECT_EQ(sglang.r.exit_code, 2);
  EXPECT_NE(sglang.r.err.find("has no ENTRYPOINT"), std::string::npos) << sglang.r.err;
  // An unknown image with a program first: run as given, and said.
  const Generated named =
      generate("named", {"--name", "srv", "--", "docker", "run",
                         "registry.example.com/team/server:1", "serve", "--model", "/m"});
  ASSERT_EQ(named.r.exit_code, 0) << named.r.err;
  EXPECT_NE(named.r.err.find("the pod runs `serve` as the whole command"), std::string::npos)
      << named.r.err;
}

// SGLang (127.0.0.1), trtllm-serve (localhost) and a llama-server outside its image bind
// loopback by default: nothing outside the pod, no Service, would reach them.
TEST(KubernetesUnit, TheServerListensWhereTheServiceReachesIt) {
  need_validator();
  const Generated sglang =
      generate("sglang-host",
               {"--name", "sglang", "--", "docker", "run", "--gpus", "all", "lmsysorg/sglang:spark",
                "python3", "-m", "sglang.launch_server", "--model-path", "/models/q"});
  ASSERT_EQ(sglang.r.exit_code, 0) << sglang.r.err;
  EXPECT_EQ(command_from_toml(sglang, "sglang"),
            (std::vector<std::string>{"python3", "-m", "sglang.launch_server", "--host", "0.0.0.0",
                                      "--model-path", "/models/q"}));
  EXPECT_NE(sglang.r.err.find("--host 0.0.0.0 added: SGLang listens on 127.0.0.1 by default"),
            std::string::npos)
      << sglang.r.err;
  // Its port joins the pod's and the Service's, with headroom's metrics.
  const YAML::Node ports = of_kind(sglang, "Service")["spec"]["ports"];
  ASSERT_EQ(ports.size(), 2u) << sglang.r.out;
  EXPECT_EQ(ports[0]["port"].as<int>(), 30000);
  EXPECT_EQ(ports[1]["targetPort"].as<std::string>(), "metrics");
  const RunResult v = validate(sglang.file);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;

  // Ollama takes its address from OLLAMA_HOST only.
  const Generated ollama = generate(
      "ollama-host",
      {"--name", "ollama", "--image", "registry.example.com/ollama:1", "--", "ollama", "serve"});
  ASSERT_EQ(ollama.r.exit_code, 0) << ollama.r.err;
  const YAML::Node env =
      of_kind(ollama, "Deployment")["spec"]["template"]["spec"]["containers"][0]["env"];
  ASSERT_EQ(env.size(), 1u) << ollama.r.out;
  EXPECT_EQ(env[0]["name"].as<std::string>(), "OLLAMA_HOST");
  EXPECT_EQ(env[0]["value"].as<std::string>(), "0.0.0.0:11434");

  // Told loopback on purpose: refused.
  const Generated told =
      generate("told-loopback", {"--name", "sglang", "--image", "lmsysorg/sglang:spark", "--",
                                 "python3", "-m", "sglang.launch_server", "--host", "127.0.0.1"});
  EXPECT_EQ(told.r.exit_code, 2);
  EXPECT_NE(told.r.err.find("SGLang is told to listen on 127.0.0.1"), std::string::npos)
      << told.r.err;
}

// A token on the docker line becomes a secretKeyRef (its value nowhere in what is written); the
// gate's target becomes the pod's memory request, with no limit.
TEST(KubernetesUnit, CredentialsComeFromASecretAndTheTargetIsTheMemoryRequest) {
  need_validator();
  std::vector<std::string> args = {"--name", "sglang", "--free", "79G", "--"};
  std::vector<std::string> docker = test::seed_docker_run();
  const auto image = std::find(docker.begin(), docker.end(), "lmsysorg/sglang:spark");
  docker.insert(image, {"-e", "HF_TOKEN=hf_notarealtoken123", "-e", "OPENAI_API_KEY", "-e",
                        "HF_HOME=/models/hf", "-e", "UNSET_PLAIN"});
  args.insert(args.end(), docker.begin(), docker.end());
  const Generated g = generate("secrets", args);
  ASSERT_EQ(g.r.exit_code, 0) << g.r.err;
  EXPECT_EQ(g.r.out.find("hf_notarealtoken123"), std::string::npos) << g.r.out;
  EXPECT_EQ(g.r.err.find("hf_notarealtoken123"), std::string::npos) << g.r.err;
  const RunResult v = validate(g.file);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  const YAML::Node server = of_kind(g, "Deployment")["spec"]["template"]["spec"]["containers"][0];
  std::map<std::string, YAML::Node> env;
  for (const auto& e : server["env"])
    env[e["name"].as<std::string>()] = YAML::Node(e);
  for (const std::string key : {"HF_TOKEN", "OPENAI_API_KEY"}) {
    ASSERT_EQ(env.count(key), 1u) << g.r.out;
    EXPECT_EQ(env[key]["valueFrom"]["secretKeyRef"]["name"].as<std::string>(), "sglang-secrets");
    EXPECT_EQ(env[key]["valueFrom"]["secretKeyRef"]["key"].as<std::string>(), key);
    EXPECT_FALSE(env[key]["value"]);
  }
  EXPECT_EQ(env["HF_HOME"]["value"].as<std::string>(), "/models/hf");
  EXPECT_EQ(env.count("UNSET_PLAIN"), 0u);  // docker's own environment: not translated, said
  EXPECT_NE(g.r.err.find("--env UNSET_PLAIN"), std::string::npos) << g.r.err;
  EXPECT_NE(g.r.err.find("kubectl create secret generic sglang-secrets --from-literal=HF_TOKEN="),
            std::string::npos)
      << g.r.err;
  EXPECT_EQ(server["resources"]["requests"]["memory"].as<std::string>(), "79Gi");
  EXPECT_FALSE(server["resources"]["limits"]["memory"]);
  EXPECT_NE(g.r.err.find("no memory limit"), std::string::npos) << g.r.err;

  // A share of the pool is not a quantity: no request, and said.
  const Generated share =
      generate("share", {"--name", "s", "--free", "60%", "--image", "x", "--", "/bin/server"});
  ASSERT_EQ(share.r.exit_code, 0) << share.r.err;
  EXPECT_NE(share.r.err.find("no memory request: --free 60%"), std::string::npos) << share.r.err;
}

// The level the header states is the level the Pod Security Standards' checks give: privileged
// with the host-path gate, baseline with --no-host-paths (the gate then in headroom run itself).
TEST(KubernetesUnit, ThePodSecurityLevelIsTheOneTheHeaderStates) {
  need_validator();
  std::vector<std::string> args = {"--name", "sglang", "--free", "79G", "--"};
  const std::vector<std::string> docker = test::seed_docker_run();
  args.insert(args.end(), docker.begin(), docker.end());
  const Generated host = generate("pss-host", args);
  ASSERT_EQ(host.r.exit_code, 0) << host.r.err;
  EXPECT_NE(host.r.out.find("# Pod Security Standard: privileged (hostPath /proc and /sys for "
                            "the gate, hostPath volumes from -v, hostIPC"),
            std::string::npos)
      << host.r.out;
  const RunResult hv = validate(host.file);
  EXPECT_EQ(hv.exit_code, 0) << hv.out;
  EXPECT_NE(hv.out.find("(Deployment sglang): pod security: privileged"), std::string::npos)
      << hv.out;

  args.insert(args.begin(), {"--no-host-paths", "--pod-monitor"});
  const Generated base = generate("pss-baseline", args);
  ASSERT_EQ(base.r.exit_code, 0) << base.r.err;
  EXPECT_NE(base.r.out.find("# Pod Security Standard: baseline"), std::string::npos) << base.r.out;
  const RunResult bv = validate(base.file);
  EXPECT_EQ(bv.exit_code, 0) << bv.out;
  EXPECT_NE(bv.out.find("(Deployment sglang): pod security: baseline"), std::string::npos)
      << bv.out;
  EXPECT_NE(bv.out.find("(PodMonitor sglang): valid"), std::string::npos) << bv.out;
  const YAML::Node pod = of_kind(base, "Deployment")["spec"]["template"]["spec"];
  EXPECT_FALSE(pod["hostIPC"]);
  ASSERT_EQ(pod["initContainers"].size(), 1u);  // only install-headroom: no host-path gate
  bool claim = false;
  for (const auto& vol : pod["volumes"]) {
    EXPECT_FALSE(vol["hostPath"]) << vol["name"].as<std::string>();
    if (vol["persistentVolumeClaim"]) claim = true;
  }
  EXPECT_TRUE(claim) << base.r.out;
  // The gate is headroom run's own: the target is in the TOML it reads.
  const std::string toml = of_kind(base, "ConfigMap")["data"]["sglang.toml"].as<std::string>();
  EXPECT_NE(toml.find("free = \"79G\""), std::string::npos) << toml;
  EXPECT_NE(base.r.err.find("the gate is headroom run's own"), std::string::npos) << base.r.err;
  const YAML::Node monitor = of_kind(base, "PodMonitor");
  EXPECT_EQ(monitor["spec"]["podMetricsEndpoints"][0]["port"].as<std::string>(), "metrics");
  EXPECT_EQ(monitor["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"].as<std::string>(),
            "sglang");
  // They go with --kubernetes only.
  const RunResult r =
      test::run_headroom({"unit", "--name", "s", "--no-host-paths", "--", "/bin/x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("go with --kubernetes"), std::string::npos) << r.err;
}

TEST(KubernetesUnit, BadInputIsAClearError) {
  const std::vector<std::string> plain = {"--", "/bin/server"};
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"--name", "SGLang_1", "--image", "x"}, "lower-case letters"},
      {{"--name", "s"}, "--image: give the server's container image"},
      {{"--name", "s", "--image", "x", "--metrics", "nope:x"}, "--metrics"},
      {{"--name", "s", "--image", "x", "--install"}, "no --install"},
      {{"--name", "s", "--", "docker", "run", "--rm", "img"}, "no command for the image img"},
      {{"--name", "s", "--", "docker", "run", "--attention-backend", "x", "img", "serve"},
       "docker does not know: --attention-backend"},
      {{"--name", "s", "--image", "x", "--", "/bin/server", "\xff\xfe"}, "not UTF-8"},
      {{"--name", "s", "--image", "x", "--health", "http://127.0.0.1:9464/health", "--metrics",
        "0.0.0.0:9464"},
       "also the server's port"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = c.args;
    if (std::find(args.begin(), args.end(), "--") == args.end()) {
      args.insert(args.end(), plain.begin(), plain.end());
    }
    const Generated g = generate("bad", args);
    EXPECT_EQ(g.r.exit_code, 2) << c.says << "\n" << g.r.err;
    EXPECT_NE(g.r.err.find(c.says), std::string::npos) << g.r.err;
    EXPECT_EQ(g.r.out, "") << c.says;
  }
  // --image belongs to --kubernetes.
  const RunResult r =
      test::run_headroom({"unit", "--name", "s", "--image", "x", "--", "/bin/true"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("go with --kubernetes"), std::string::npos) << r.err;
}

}  // namespace kube_unit

}  // namespace
}  // namespace headroom
