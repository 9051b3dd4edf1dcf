// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The version of every JSON document headroom prints (status, wait, restart, plan, cache, lint,
// the event file): its first key, "version". The shapes are docs/schema/*.schema.json, validated
// against real outputs by the tests; a change that breaks a reader raises it.
#pragma once

namespace headroom {

inline constexpr int kJsonVersion = 1;

}  // namespace headroom
