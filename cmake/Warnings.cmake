# SPDX-FileCopyrightText: 2026 The headroom authors
# SPDX-License-Identifier: Apache-2.0
# Warnings as errors for the project's own code (third-party headers come from system include
# directories, whose warnings the compiler does not report).
add_library(headroom_warnings INTERFACE)
target_compile_options(headroom_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wcast-align -Wimplicit-fallthrough
  $<$<BOOL:${HEADROOM_WERROR}>:-Werror>)
