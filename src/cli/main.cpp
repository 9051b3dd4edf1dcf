// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// headroom: start and restart LLM inference servers safely on unified-memory machines.
// The command line lives in the headroom_cli library (cli/app.cpp), compiled once with CLI11.
#include "cli/entry.h"

int main(int argc, char** argv) {
  return headroom::headroom_main(argc, argv);
}
