// examples/kubernetes: the manifests validate against the Kubernetes API's schemas (kubernetes-
// models from npm, installed by scripts/deps.sh test), and the fields headroom relies on are there
// and agree with each other: the init container's gate reads the host's /proc and /sys where it
// mounts them, the server container runs `headroom run --config` on the ConfigMap's TOML (which
// headroom itself accepts), the probes reach /ready and /live on the metrics port, the startup
// probe outlasts headroom's own timeouts, the grace period its stop timeout.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "core/duration.h"
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
  return run({"node", script, file}, {}, std::chrono::seconds(60));
}

void need_validator() {
  ASSERT_NE(run({"node", "--version"}).exit_code, 127)
      << "node is missing: scripts/deps.sh test installs nodejs";
  ASSERT_TRUE(
      fs::exists(std::string(HEADROOM_SOURCE_DIR) + "/tests/k8s/node_modules/kubernetes-models"))
      << "tests/k8s/node_modules is missing: scripts/deps.sh test runs npm ci there";
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

TEST(Kubernetes, TheFieldsHeadroomReliesOn) {
  std::map<std::string, YAML::Node> by_kind;
  for (const YAML::Node& doc : YAML::LoadAllFromFile(kExample)) {
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
  fixture_wait[std::find(fixture_wait.begin(), fixture_wait.end(), "--root") -
               fixture_wait.begin() + 1] = test::fixtures_dir() + "/gb10";
  fixture_wait[std::find(fixture_wait.begin(), fixture_wait.end(), "--timeout") -
               fixture_wait.begin() + 1] = "200ms";
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
  const std::string d = test::scratch_dir() + "/k8s-config";
  fs::create_directories(d);
  std::ofstream(d + "/" + config.filename().string()) << toml;
  const RunResult u = run({test::headroom_bin(), "unit", "--name", "k8s", "--config",
                           d + "/" + config.filename().string()});
  ASSERT_EQ(u.exit_code, 0) << u.err;
  EXPECT_NE(u.out.find("--metrics 0.0.0.0:9464"), std::string::npos) << u.out;
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

}  // namespace
}  // namespace headroom
