// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// emit/kubernetes.h without the CLI: a server's parsed options in, the documents and notes out.
// tests/cli/kubernetes_test.cpp checks the binary's output against the API's schemas.
#include "emit/kubernetes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

namespace headroom::emit {
namespace {

using namespace std::chrono_literals;

KubernetesInput input(std::vector<std::string> command) {
  KubernetesInput in;
  in.server.name = "srv";
  in.server.command = std::move(command);
  in.server.gate.settle = {1s, "1s"};
  in.server.gate.timeout = {300s, "300s"};
  in.server.gate.interval = {100ms, "100ms"};
  in.server.startup_timeout = {30min, "30m"};
  in.server.stop_timeout = 30s;
  in.image = "example.com/server:1";
  return in;
}

bool has_note(const KubernetesManifests& m, std::string_view part) {
  return std::any_of(m.notes.begin(), m.notes.end(),
                     [&](const std::string& n) { return n.find(part) != std::string::npos; });
}

TEST(KubernetesManifests, TheGatesTargetIsTheMemoryRequestAndTheInitContainersFlag) {
  KubernetesInput in = input({"/bin/server", "--port", "8000"});
  in.server.gate.free = "70G";
  in.server.gate.free_size = SizeSpec::of_bytes(70 * kGiB);
  in.server.flags = {{"--free", "70G", true}};
  in.server.health_url = HttpUrl{"127.0.0.1", 8000, "/health"};
  auto m = kubernetes_manifests(in);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_TRUE(has_note(*m, "memory request 70Gi (--free)"));
  EXPECT_TRUE(has_note(*m, "metrics = \"0.0.0.0:9464\""));
  EXPECT_NE(m->yaml.find("            requests:\n              memory: 70Gi\n"), std::string::npos)
      << m->yaml;
  EXPECT_NE(m->yaml.find("            - --free\n            - \"70G\"\n            - --settle\n"
                         "            - \"1s\"\n            - --timeout\n            - \"300s\"\n"),
            std::string::npos)
      << m->yaml;
  EXPECT_NE(m->yaml.find("    free = \"70G\"\n"), std::string::npos);
  EXPECT_NE(m->yaml.find("    metrics = \"0.0.0.0:9464\"\n"), std::string::npos);
  EXPECT_NE(m->yaml.find("            - name: http\n              containerPort: 8000\n"),
            std::string::npos);
  EXPECT_NE(m->yaml.find("terminationGracePeriodSeconds: 60\n"), std::string::npos);
  EXPECT_NE(m->yaml.find("# Pod Security Standard: privileged (hostPath /proc and /sys"),
            std::string::npos);
  EXPECT_EQ(m->yaml.find("kind: PodMonitor"), std::string::npos);
}

TEST(KubernetesManifests, ALoopbackMetricsAddressMovesToThePodsOwn) {
  KubernetesInput in = input({"/bin/server"});
  in.server.flags = {{"--metrics", "127.0.0.1:9500", false}};
  in.metrics = Spelled<ListenAddress>{ListenAddress{"127.0.0.1", 9500}, "127.0.0.1:9500"};
  in.pod_monitor = true;
  in.no_host_paths = true;
  auto m = kubernetes_manifests(in);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_TRUE(has_note(*m, "--metrics 127.0.0.1:9500 becomes 0.0.0.0:9500 in the pod"));
  EXPECT_NE(m->yaml.find("    metrics = \"0.0.0.0:9500\"\n"), std::string::npos) << m->yaml;
  EXPECT_EQ(m->yaml.find("127.0.0.1:9500\"\n"), std::string::npos) << m->yaml;
  EXPECT_NE(m->yaml.find("kind: PodMonitor"), std::string::npos);
  EXPECT_NE(m->yaml.find("# Pod Security Standard: baseline"), std::string::npos);
}

TEST(KubernetesManifests, InvalidInputIsRefusedBeforeAnythingIsWritten) {
  KubernetesInput in = input({"/bin/server"});
  in.server.name = "Srv";
  auto bad_name = kubernetes_manifests(in);
  ASSERT_FALSE(bad_name);
  EXPECT_NE(bad_name.error().message.find("--name Srv: Kubernetes names"), std::string::npos);
  in = input({"/bin/server"});
  in.server.flags = {{"--health", "\xff", false}};
  auto not_utf8 = kubernetes_manifests(in);
  ASSERT_FALSE(not_utf8);
  EXPECT_EQ(not_utf8.error().message,
            "--health: not UTF-8 text, which a Kubernetes manifest must be");
  in = input({"/bin/server"});
  in.server.health_url = HttpUrl{"127.0.0.1", 9464, "/health"};
  auto clash = kubernetes_manifests(in);
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().message, "--metrics port 9464 is also the server's port");
  in = input({});
  auto none = kubernetes_manifests(in);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, "give the server's command after --");
}

}  // namespace
}  // namespace headroom::emit
