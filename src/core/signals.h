// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Signal names both ways: "TERM", "SIGTERM", "15" -> 15.
#pragma once

#include <string_view>

#include "core/result.h"

namespace headroom {

Result<int> parse_signal(std::string_view text);

}  // namespace headroom
