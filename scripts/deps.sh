#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The headroom authors
# SPDX-License-Identifier: Apache-2.0
# scripts/deps.sh [build|test|all|cross|vm]: installs the Debian packages headroom needs, idempotently.
#   build: compiler, CMake and the libraries the binary links;
#   test:  build + what the tests, fuzzers and benchmarks use (clang/libFuzzer, vmtouch, free);
#   cross: build + the arm64 cross toolchain, qemu and the arm64 -dev packages;
#   vm:    what scripts/vm needs to build and boot its systemd + cgroup v2 guest.
# Packages already installed are skipped without touching apt; apt-get update runs only when an
# install fails for want of package lists (a fresh machine).
set -euo pipefail
what=${1:-build}

build_pkgs=(
  cmake make g++ pkg-config
  libcli11-dev libfmt-dev nlohmann-json3-dev
  libyaml-cpp-dev libtomlplusplus-dev   # lint: compose files, .headroom.toml
  libcurl4-openssl-dev            # curl.h; libcurl itself is loaded at run time for Docker
  dpkg-dev                        # dpkg-buildflags and dpkg-shlibdeps: the .deb (scripts/install)
)
test_pkgs=(
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev        # libFuzzer and the sanitizer runtimes for the fuzz build
  clang-format shellcheck         # scripts/test's style stage: the C++ format, the shell scripts
  vmtouch                         # the page-cache peer headroom must agree with
  procps                          # free(1), the peer for MemTotal/MemAvailable
  util-linux                      # runuser, to test the non-root paths as root
  gnuplot-nox                     # the restart benchmark's plot
  docker.io busybox-static        # a real Docker engine and the test image's userland
  curl                            # tests/docker/dockerd.sh pings the engine
  python3-jsonschema              # validates lint's SARIF output against the 2.1.0 schema
  systemd                         # systemd-analyze verify on the units headroom unit writes
  groff-base zsh fish             # the man pages render without warnings; the completions load
  lintian                         # the .deb is checked as Debian checks packages
  prometheus                      # promtool check metrics on what run --metrics serves
  stress-ng                       # scripts/stress-test: the integration tests on a loaded machine
)
# vm: scripts/vm (part of test: CI runs the VM stage).
vm_pkgs=(
  mmdebstrap                      # the guest's root file system, from Debian's archive
  qemu-system-x86                 # boots it (TCG where KVM is not really there)
  e2fsprogs                       # mke2fs -d (an image without mounting), debugfs (results back)
)

# cross: the arm64 cross build (scripts/cross-arm64). libyaml-cpp-dev:arm64 is not here: it cannot
# be installed beside the amd64 one; scripts/cross-arm64 unpacks it into its build tree.
cross_pkgs=(
  g++-aarch64-linux-gnu qemu-user-static file
  libc6:arm64 libstdc++6:arm64
  libfmt-dev:arm64 libcurl4-openssl-dev:arm64 libgtest-dev:arm64 libgmock-dev:arm64
)

pkgs=("${build_pkgs[@]}")
case $what in
  build) ;;
  test|all) pkgs+=("${test_pkgs[@]}" "${vm_pkgs[@]}") ;;
  vm) pkgs=("${vm_pkgs[@]}") ;;
  cross) pkgs+=("${cross_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|all|cross|vm]" >&2; exit 2 ;;
esac
if [[ $what == cross ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  [[ $(id -u) -eq 0 ]] || { echo "scripts/deps.sh: run as root to add the arm64 architecture" >&2; exit 2; }
  dpkg --add-architecture arm64
  apt-get update >/dev/null
fi

# The Kubernetes manifests' validator (tests/k8s): Node.js and the kubernetes-models package from
# the npm registry (and @kubernetes-models/prometheus-operator for the PodMonitor; 4.4.4, the last
# release that runs on bookworm's Node.js 18: 5.x and later need Node.js 22), pinned by
# tests/k8s/package-lock.json. Node.js comes with this machine kind;
# Debian's nodejs and npm where it does not.
k8s_validator() {
  [[ -d tests/k8s/node_modules/kubernetes-models && -d tests/k8s/node_modules/@kubernetes-models/prometheus-operator ]] && return 0
  if ! command -v npm >/dev/null; then
    [[ $(id -u) -eq 0 ]] || { echo "scripts/deps.sh: npm is missing; run as root to install it" >&2; exit 2; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm >/dev/null ||
      { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm >/dev/null; }
  fi
  echo "installing the Kubernetes schema validator (npm ci in tests/k8s)" >&2
  (cd tests/k8s && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}
cd "$(dirname "$0")/.."

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "scripts/deps.sh: missing packages: ${missing[*]}; run as root (or with sudo) to install them" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  echo "installing: ${missing[*]}" >&2
  if ! apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; then
    apt-get update >/dev/null
    apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi
if [[ $what == test || $what == all ]]; then
  k8s_validator
fi
