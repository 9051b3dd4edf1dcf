# SPDX-FileCopyrightText: 2026 The headroom authors
# SPDX-License-Identifier: Apache-2.0
# `cmake --install` (and `make install DESTDIR=…`): FHS places, from GNUInstallDirs. With the
# prefix /usr (the .deb's): /usr/bin/headroom, /usr/share/man/man1/headroom*.1, the completions
# where bash-completion, zsh and fish look for a distribution's, /usr/lib/systemd/system/
# headroom@.service, the examples under /usr/share/doc/headroom/examples, and /etc/headroom/.
include(GNUInstallDirs)

set(HEADROOM_DOCS_DIR ${CMAKE_BINARY_DIR}/generated/share)
add_custom_command(
  OUTPUT ${HEADROOM_DOCS_DIR}/stamp
  COMMAND ${CMAKE_COMMAND} -DHEADROOM=$<TARGET_FILE:headroom>
          "-DEMULATOR=${CMAKE_CROSSCOMPILING_EMULATOR}" -DOUT=${HEADROOM_DOCS_DIR}/files
          -DBINDIR=${CMAKE_INSTALL_FULL_BINDIR} -DSOURCE=${PROJECT_SOURCE_DIR}
          -P ${PROJECT_SOURCE_DIR}/cmake/GenerateDocs.cmake
  COMMAND ${CMAKE_COMMAND} -E touch ${HEADROOM_DOCS_DIR}/stamp
  DEPENDS headroom ${PROJECT_SOURCE_DIR}/cmake/GenerateDocs.cmake
          ${PROJECT_SOURCE_DIR}/packaging/changelog
  COMMENT "Generating the man pages, shell completions and headroom@.service from headroom"
  VERBATIM)
add_custom_target(headroom_docs ALL DEPENDS ${HEADROOM_DOCS_DIR}/stamp)

set(gen ${HEADROOM_DOCS_DIR}/files)
install(TARGETS headroom RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# Man pages compressed (gzip -9n, as Debian ships them; GenerateDocs.cmake writes both).
install(DIRECTORY ${gen}/man1gz/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${gen}/completions/headroom.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME headroom)
install(FILES ${gen}/completions/_headroom
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${gen}/completions/headroom.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
# systemd reads /usr/lib/systemd/system and /usr/local/lib/systemd/system: under the prefix.
install(FILES ${gen}/systemd/headroom@.service DESTINATION lib/systemd/system)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
# The lint rules' pages, where `headroom lint`'s "see:" points (and `headroom lint --explain`).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/rules/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/rules)
install(FILES ${PROJECT_SOURCE_DIR}/docs/systemd.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
# Debian's places for the licence and the changelog (lintian: copyright-file, changelog).
install(FILES ${PROJECT_SOURCE_DIR}/packaging/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${gen}/changelog.Debian.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/packaging/lintian-overrides
        DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME headroom)
# /etc/headroom/: one NAME.toml per instance of headroom@.service (none shipped: the example is
# under the docs, to be copied and edited).
install(DIRECTORY DESTINATION /etc/headroom)

# cpack -G DEB: a .deb with Debian's package names. The libraries the binary links are found by
# dpkg-shlibdeps (native builds) or named for the target (cross builds, where dpkg-shlibdeps
# cannot read the foreign binary's libraries); libcurl and libsystemd are loaded with dlopen at
# run time, so they are recommendations, not dependencies.
set(CPACK_GENERATOR DEB)
# The package installs where this tree was configured to (the template unit names the binary by
# its full path): configure with -DCMAKE_INSTALL_PREFIX=/usr for a .deb.
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_PACKAGE_NAME headroom)
set(CPACK_PACKAGE_VENDOR "headroom")
# Who answers for the package: set HEADROOM_MAINTAINER when building one to distribute.
set(HEADROOM_MAINTAINER "headroom maintainers <headroom@packages.invalid>"
    CACHE STRING "The .deb's Maintainer field: Name <address>")
set(CPACK_PACKAGE_CONTACT "${HEADROOM_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
# systemd reads the template unit anew on install, upgrade and removal.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/packaging/postinst
    ${PROJECT_SOURCE_DIR}/packaging/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "start and restart LLM inference servers safely on unified-memory GPU machines")
# Debian wants the lines of the long description under 80 columns (lintian).
set(CPACK_PACKAGE_DESCRIPTION
    "headroom waits until memory is really back before an inference server\n\
(SGLang, vLLM, llama.cpp, Ollama) starts again on a unified-memory machine\n\
(DGX Spark / GB10, Jetson, Grace Hopper, Strix Halo), supervises it with sane\n\
restart limits, says why it died, finds configuration landmines, tells\n\
whether a model will fit and writes systemd units.")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libcurl4, libsystemd0")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "docker.io, vmtouch")
if(CMAKE_CROSSCOMPILING)
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${HEADROOM_DEB_ARCH})
  if(HEADROOM_PORTABLE)
    set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.34)")  # all else is linked in
  else()
    # What dpkg-shlibdeps gives for the native build of the same sources (bookworm).
    set(CPACK_DEBIAN_PACKAGE_DEPENDS
        "libc6 (>= 2.34), libfmt9 (>= 9.1.0+ds1), libgcc-s1 (>= 3.0), libstdc++6 (>= 11), libyaml-cpp0.7 (>= 0.7.0)")
  endif()
else()
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()
include(CPack)
