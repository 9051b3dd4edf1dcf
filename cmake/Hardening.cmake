# SPDX-FileCopyrightText: 2026 The headroom authors
# SPDX-License-Identifier: Apache-2.0
# Hardening, as Debian's dpkg-buildflags gives its packages (hardening=+all): headroom runs as
# root and parses HTTP answers, TOML, compose files and kernel log text. FORTIFY_SOURCE (checked
# buffer functions), stack protector and clash protection, control-flow protection on x86, PIE,
# full RELRO (-z relro -z now). Off for the sanitizer and fuzzer builds, which instrument
# differently (ASan and FORTIFY intercept the same functions).
option(HEADROOM_HARDEN "Build with FORTIFY_SOURCE, stack protection, PIE and full RELRO" ON)
set(HEADROOM_HARDENED OFF)  # read by the install test: which checks its binary must pass
if(HEADROOM_HARDEN AND NOT HEADROOM_SANITIZE AND NOT HEADROOM_FUZZ)
  set(HEADROOM_HARDENED ON)
  include(CheckPIESupported)
  check_pie_supported()
  set(CMAKE_POSITION_INDEPENDENT_CODE ON)
  # FORTIFY needs optimisation; -U first, as Ubuntu's compilers define it already.
  add_compile_options(-fstack-protector-strong -fstack-clash-protection
                      "$<$<NOT:$<CONFIG:Debug>>:-U_FORTIFY_SOURCE;-D_FORTIFY_SOURCE=2>")
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
    add_compile_options(-fcf-protection)
  endif()
  add_link_options(-Wl,-z,relro -Wl,-z,now)
endif()
