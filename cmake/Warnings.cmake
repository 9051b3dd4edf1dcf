# SPDX-FileCopyrightText: 2026 The headroom authors
# SPDX-License-Identifier: Apache-2.0
# The warnings for the project's own code (third-party headers come from system include
# directories, whose warnings the compiler does not report). Whether they are errors is CMake's
# COMPILE_WARNING_AS_ERROR (CMAKE_COMPILE_WARNING_AS_ERROR, on in the developer and CI presets).
add_library(headroom_warnings INTERFACE)
target_compile_options(headroom_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wcast-align -Wimplicit-fallthrough)
