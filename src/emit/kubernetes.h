// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// `headroom unit --kubernetes`: the same server, for a Kubernetes node instead of systemd — a
// ConfigMap holding `headroom run`'s options as TOML, a Deployment whose init container gates the
// pod on the node's memory (`headroom wait` on the host's /proc and /sys) and whose server
// container runs under `headroom run --config`, with the kubelet's probes on headroom's /ready and
// /live, and a Service for the server's port. A `docker run` line is translated (image, command,
// -e, -v, -p, --gpus, --shm-size, --ipc/--network host, -w, --entrypoint); what has no Kubernetes
// counterpart is listed, never dropped silently. examples/kubernetes/ is the hand-written form.
// Three steps: the input validated (names, UTF-8), translated into a pod (the server container,
// ports, volumes, env, secrets, the gate, the memory request, the notes, the Pod Security level),
// and the pod rendered as YAML documents with the TOML in the ConfigMap.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/url.h"
#include "emit/server_config.h"

namespace headroom::emit {

struct KubernetesInput {
  ServerConfig
      server;  // name: the Deployment, its container and Service; NAME-headroom: the ConfigMap
  std::string image;  // the server's image; from the docker line when there is one
  std::string
      headroom_image;  // an image holding /usr/bin/headroom (examples/kubernetes/Containerfile)
  // --metrics as given and parsed; nullopt: not given (the pod's default address then).
  std::optional<Spelled<ListenAddress>> metrics;
  bool pod_monitor = false;  // also a PodMonitor (Prometheus Operator) for the metrics
  // No hostPath, host namespace or host network (Pod Security "baseline"): the gate is headroom
  // run's own in the server container, host directories become PersistentVolumeClaims.
  bool no_host_paths = false;
};

struct KubernetesManifests {
  std::string yaml;                // the documents, ---separated, with comments
  std::vector<std::string> notes;  // what was chosen or left out, for the user (also in the YAML)
};

// The input's own checks, the first of kubernetes_manifests's: a name Kubernetes refuses, no
// command, a word or a flag's value that is not UTF-8. The caller runs them before it parses
// --metrics, whose text must be UTF-8 first.
Status validate_for_kubernetes(const ServerConfig& server);

// Errors: validate_for_kubernetes's, no image, a --metrics on the server's port, a docker line
// without a command after its image or with flags docker does not know, arguments that are not
// UTF-8. A loopback --metrics (right on a host) becomes 0.0.0.0 in the pod, noted.
Result<KubernetesManifests> kubernetes_manifests(const KubernetesInput& in);

}  // namespace headroom::emit
