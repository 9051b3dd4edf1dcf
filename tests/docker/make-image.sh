#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The headroom authors
# SPDX-License-Identifier: Apache-2.0
# tests/docker/make-image.sh STANDIN_STATIC [IMAGE]: the test image, without a registry: a
# tarball of busybox-static and the statically linked stand-in server, `docker import`ed as
# IMAGE (default headroom-standin:test). Does nothing when the image exists.
# tests/docker/make-image.sh --tar FILE STANDIN_STATIC: the same root file system as a tarball,
# for a machine that imports it itself (the VM stage: `docker import FILE lmsysorg/sglang:spark`).
# /bin/python3 is the stand-in too, so that the image answers `python3 -m sglang.launch_server`
# as SGLang's does.
set -euo pipefail
tar_out=
if [[ ${1:-} == --tar ]]; then
  tar_out=${2:?--tar FILE}
  shift 2
fi
standin=${1:?path of headroom-standin-static}
image=${2:-headroom-standin:test}
if [[ -z $tar_out ]] && docker image inspect "$image" >/dev/null 2>&1; then exit 0; fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/mem" "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$standin" "$root/bin/headroom-standin"
ln -s headroom-standin "$root/bin/python3"
if [[ -n $tar_out ]]; then
  tar -C "$root" -c . >"$tar_out"
else
  tar -C "$root" -c . | docker import - "$image" >/dev/null
fi
