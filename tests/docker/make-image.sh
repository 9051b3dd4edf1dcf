#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The headroom authors
# SPDX-License-Identifier: Apache-2.0
# tests/docker/make-image.sh STANDIN_STATIC [IMAGE]: the test image, without a registry: a
# tarball of busybox-static and the statically linked stand-in server, `docker import`ed as
# IMAGE (default headroom-standin:test). Does nothing when the image exists.
set -euo pipefail
standin=${1:?path of headroom-standin-static}
image=${2:-headroom-standin:test}
if docker image inspect "$image" >/dev/null 2>&1; then exit 0; fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/mem" "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$standin" "$root/bin/headroom-standin"
tar -C "$root" -c . | docker import - "$image" >/dev/null
