// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// node tests/k8s/validate.mjs FILE...: every document of every YAML file against the Kubernetes
// API's JSON schemas (the kubernetes-models packages: the OpenAPI schemas of the API server and
// of the Prometheus Operator's CRDs, compiled with ajv). Prints FILE: document N (KIND NAME):
// error, and exits 1 on any error. For each pod template it also prints the highest Pod Security
// Standard level the pod meets ("pod security: baseline"), and the checks of the levels above
// that it fails.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import * as core from "kubernetes-models/v1";
import * as apps from "kubernetes-models/apps/v1";
import * as monitoring from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";

const groups = { v1: core, "apps/v1": apps, "monitoring.coreos.com/v1": monitoring };

// The Pod Security Standards' checks, as kubernetes.io/docs/concepts/security/pod-security-standards
// lists them (the same controls the API server's PodSecurity admission enforces).
const kBaselineCaps = new Set(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",
  "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);
const kSafeSysctls = new Set(["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"]);
const kRestrictedVolumes = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
  "persistentVolumeClaim", "projected", "secret"]);

function podSecurity(pod) {
  const baseline = [], restricted = [];
  const all = [...(pod.initContainers ?? []), ...(pod.containers ?? []),
    ...(pod.ephemeralContainers ?? [])];
  const psc = pod.securityContext ?? {};
  for (const ns of ["hostNetwork", "hostPID", "hostIPC"]) {
    if (pod[ns]) baseline.push(`${ns}: true`);
  }
  if (psc.windowsOptions?.hostProcess) baseline.push("hostProcess");
  for (const v of pod.volumes ?? []) {
    if (v.hostPath) baseline.push(`hostPath volume ${v.name}`);
    const type = Object.keys(v).find((k) => k !== "name");
    if (!kRestrictedVolumes.has(type)) restricted.push(`volume ${v.name} of type ${type}`);
  }
  for (const s of psc.sysctls ?? []) {
    if (!kSafeSysctls.has(s.name)) baseline.push(`sysctl ${s.name}`);
  }
  const seccompOf = (sc) => sc?.seccompProfile?.type;
  if (seccompOf(psc) === "Unconfined") baseline.push("pod seccomp Unconfined");
  const selinux = (sc, where) => {
    const o = sc?.seLinuxOptions;
    if (!o) return;
    if (o.type && !["container_t", "container_init_t", "container_kvm_t",
      "container_engine_t"].includes(o.type)) baseline.push(`${where} seLinuxOptions.type`);
    if (o.user || o.role) baseline.push(`${where} seLinuxOptions user/role`);
  };
  selinux(psc, "pod");
  const podNonRoot = psc.runAsNonRoot === true;
  if (psc.runAsUser === 0) restricted.push("pod runAsUser 0");
  for (const c of all) {
    const sc = c.securityContext ?? {};
    const where = `container ${c.name}`;
    if (sc.privileged) baseline.push(`${where} privileged`);
    if (sc.windowsOptions?.hostProcess) baseline.push(`${where} hostProcess`);
    for (const cap of sc.capabilities?.add ?? []) {
      if (!kBaselineCaps.has(cap)) baseline.push(`${where} adds ${cap}`);
      if (cap !== "NET_BIND_SERVICE") restricted.push(`${where} adds ${cap}`);
    }
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) restricted.push(`${where} drops not ALL`);
    for (const p of c.ports ?? []) {
      if (p.hostPort) baseline.push(`${where} hostPort ${p.hostPort}`);
    }
    if (sc.procMount && sc.procMount !== "Default") baseline.push(`${where} procMount`);
    if (seccompOf(sc) === "Unconfined") baseline.push(`${where} seccomp Unconfined`);
    const eff = seccompOf(sc) ?? seccompOf(psc);
    if (eff !== "RuntimeDefault" && eff !== "Localhost") restricted.push(`${where} seccomp unset`);
    selinux(sc, where);
    if (sc.allowPrivilegeEscalation !== false) {
      restricted.push(`${where} allowPrivilegeEscalation not false`);
    }
    if (!(sc.runAsNonRoot === true || (podNonRoot && sc.runAsNonRoot !== false))) {
      restricted.push(`${where} runAsNonRoot not true`);
    }
    if (sc.runAsUser === 0) restricted.push(`${where} runAsUser 0`);
  }
  if (baseline.length > 0) return { level: "privileged", fails: baseline };
  if (restricted.length > 0) return { level: "baseline", fails: restricted };
  return { level: "restricted", fails: [] };
}

let errors = 0;
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  docs.forEach((doc, i) => {
    const where = `${file}: document ${i + 1}`;
    if (doc.errors.length > 0) {
      console.log(`${where}: YAML: ${doc.errors[0].message}`);
      errors++;
      return;
    }
    const obj = doc.toJS();
    const group = groups[obj?.apiVersion];
    const Model = group?.[obj?.kind];
    if (Model === undefined) {
      console.log(`${where}: unknown apiVersion/kind ${obj?.apiVersion} ${obj?.kind}`);
      errors++;
      return;
    }
    try {
      new Model(obj).validate();
      console.log(`${where} (${obj.kind} ${obj.metadata?.name}): valid`);
    } catch (e) {
      console.log(`${where} (${obj.kind} ${obj.metadata?.name}): ${e.message}`);
      errors++;
    }
    const pod = obj.kind === "Pod" ? obj.spec : obj.spec?.template?.spec;
    if (pod) {
      const { level, fails } = podSecurity(pod);
      console.log(`${where} (${obj.kind} ${obj.metadata?.name}): pod security: ${level}` +
        (fails.length > 0 ? ` (not higher: ${fails.join("; ")})` : ""));
    }
  });
}
process.exit(errors === 0 ? 0 : 1);
