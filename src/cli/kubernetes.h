// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `headroom unit --kubernetes`: the same server, for a Kubernetes node instead of systemd — a
// ConfigMap holding `headroom run`'s options as TOML, a Deployment whose init container gates the
// pod on the node's memory (`headroom wait` on the host's /proc and /sys) and whose server
// container runs under `headroom run --config`, with the kubelet's probes on headroom's /ready and
// /live, and a Service for the server's port. A `docker run` line is translated (image, command,
// -e, -v, -p, --gpus, --shm-size, --ipc/--network host, -w, --entrypoint); what has no Kubernetes
// counterpart is listed, never dropped silently. examples/kubernetes/ is the hand-written form.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/run_options.h"
#include "core/result.h"

namespace headroom {

struct KubernetesInput {
  std::string name;   // the Deployment, its container and Service; NAME-headroom: the ConfigMap
  std::string image;  // the server's image; from the docker line when there is one
  std::string
      headroom_image;  // an image holding /usr/bin/headroom (examples/kubernetes/Containerfile)
  RunOptions run;      // run's options as parsed (timeouts, metrics, health, gate)
  // run's flags as given (flag, value; no value for a switch), written to the TOML in this order.
  std::vector<std::pair<std::string, std::optional<std::string>>> flags;
  std::vector<std::string> command;  // the server's argv, or a docker run line
  bool pod_monitor = false;          // also a PodMonitor (Prometheus Operator) for the metrics
  // No hostPath, host namespace or host network (Pod Security "baseline"): the gate is headroom
  // run's own in the server container, host directories become PersistentVolumeClaims.
  bool no_host_paths = false;
};

struct KubernetesManifests {
  std::string yaml;                // the documents, ---separated, with comments
  std::vector<std::string> notes;  // what was chosen or left out, for the user (also in the YAML)
};

// Errors: a name Kubernetes refuses, no image, a bad --metrics or one on the server's port, a
// docker line without a command after its image or with flags docker does not know, arguments
// that are not UTF-8. A loopback --metrics (right on a host) becomes 0.0.0.0 in the pod, noted.
Result<KubernetesManifests> kubernetes_manifests(const KubernetesInput& in);

}  // namespace headroom
