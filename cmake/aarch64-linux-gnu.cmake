# SPDX-FileCopyrightText: 2026 The headroom authors
# SPDX-License-Identifier: Apache-2.0
# Cross build for arm64 (DGX Spark / GB10, Jetson, Grace): Debian's g++-aarch64-linux-gnu and the
# arm64 multiarch -dev packages (scripts/deps.sh cross); programs built here run under
# qemu-aarch64-static (tests, gtest discovery, the man pages and completions the build generates).
# Used by scripts/cross-arm64.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
find_program(HEADROOM_QEMU qemu-aarch64-static REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR ${HEADROOM_QEMU})
# Headers and CMake packages of the target's libraries; build tools from the host.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(HEADROOM_DEB_ARCH arm64)
