// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The program: parse argv with the command tree (cli/app.h), run the chosen command, return its
// exit code. Declared apart from app.h so that main.cpp does not compile CLI11 again.
#pragma once

namespace headroom {

int headroom_main(int argc, char** argv);

}  // namespace headroom
