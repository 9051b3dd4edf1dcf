// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Finding a model's files on this machine: the path a server's command names, through its
// container's bind mounts; a Hugging Face id in the hub cache; an Ollama name in Ollama's store.
// Reads directories, refs and manifests only, never the weights.
#pragma once

#include <optional>
#include <string>

#include "core/result.h"
#include "plan/command_line.h"

namespace headroom::plan {

// A Hugging Face id ("org/name") in the hub cache `hub`: refs/main's snapshot, else the only one.
std::optional<std::string> hf_snapshot(const std::string& hub, const std::string& id);

// Where the model a server command names is on this machine: through the container's bind
// mounts, as given, or as a Hugging Face id in the hub cache (a mounted one, HF_HOME, ~/.cache).
// `how` says how it was found when that was not the path as given.
Result<std::string> locate_model(const ServerFlags& f, std::string& how);

// An Ollama model by its name (qwen3:8b, library/gemma3, hf.co/org/repo:tag): the GGUF blob its
// manifest names, in $OLLAMA_MODELS, ~/.ollama/models or the service's
// /usr/share/ollama/.ollama/models.
Result<std::string> ollama_blob(const std::string& name);

}  // namespace headroom::plan
