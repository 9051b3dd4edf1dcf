# SPDX-FileCopyrightText: 2026 The headroom authors
# SPDX-License-Identifier: Apache-2.0
# cmake -P cmake/GenerateDocs.cmake: the man pages, the shell completions and the template unit,
# written by the headroom binary just built from the same definitions as its --help (so they never
# drift). Variables: HEADROOM (the binary), EMULATOR (qemu for a cross build, else empty), OUT
# (the directory), BINDIR (where the installed binary lives, for the unit's ExecStart=).
foreach(v HEADROOM OUT BINDIR SOURCE)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "GenerateDocs.cmake: ${v} is not set")
  endif()
endforeach()
separate_arguments(emulator UNIX_COMMAND "${EMULATOR}")
file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}/man1" "${OUT}/completions" "${OUT}/systemd")

function(run_headroom output)
  set(args ${ARGN})
  if(output)
    execute_process(COMMAND ${emulator} "${HEADROOM}" ${args} OUTPUT_FILE "${output}"
                    RESULT_VARIABLE rc ERROR_VARIABLE err)
  else()
    execute_process(COMMAND ${emulator} "${HEADROOM}" ${args} RESULT_VARIABLE rc
                    ERROR_VARIABLE err)
  endif()
  if(NOT rc EQUAL 0 OR NOT err STREQUAL "")
    message(FATAL_ERROR "headroom ${args}: exit ${rc}: ${err}")
  endif()
endfunction()

run_headroom("" man --dir "${OUT}/man1")
# Compressed copies for installation, as Debian ships man pages: gzip -9n (no name, no time, so
# the package is reproducible).
file(MAKE_DIRECTORY "${OUT}/man1gz")
file(GLOB pages "${OUT}/man1/*.1")
foreach(page ${pages})
  get_filename_component(name "${page}" NAME)
  execute_process(COMMAND gzip -9n -c "${page}" OUTPUT_FILE "${OUT}/man1gz/${name}.gz"
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip ${page}: exit ${rc}")
  endif()
endforeach()
execute_process(COMMAND gzip -9n -c "${SOURCE}/packaging/changelog"
                OUTPUT_FILE "${OUT}/changelog.Debian.gz" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip packaging/changelog: exit ${rc}")
endif()
run_headroom("${OUT}/completions/headroom.bash" completion bash)
run_headroom("${OUT}/completions/_headroom" completion zsh)
run_headroom("${OUT}/completions/headroom.fish" completion fish)
# The package installs the man pages beside the binary: the template names them.
run_headroom("${OUT}/systemd/headroom@.service" unit --template --binary "${BINDIR}/headroom"
             --documentation "man:headroom-run(1)")
