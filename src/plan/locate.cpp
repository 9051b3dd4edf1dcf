// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "plan/locate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/text.h"
#include "probe/fs.h"

namespace headroom::plan {

std::optional<std::string> hf_snapshot(const std::string& hub, const std::string& id) {
  namespace fs = std::filesystem;
  const size_t slash = id.find('/');
  if (slash == std::string::npos || id.find('/', slash + 1) != std::string::npos) return {};
  const fs::path repo =
      fs::path(hub) / ("models--" + id.substr(0, slash) + "--" + id.substr(slash + 1));
  std::error_code ec;
  if (auto ref = read_file((repo / "refs" / "main").string())) {
    const std::string hash(trim(*ref));
    if (!hash.empty() && hash.find('/') == std::string::npos && hash != ".." &&
        fs::is_directory(repo / "snapshots" / hash, ec)) {
      return (repo / "snapshots" / hash).string();
    }
  }
  std::vector<fs::path> snapshots;
  for (const auto& e : fs::directory_iterator(repo / "snapshots", ec))
    if (e.is_directory(ec)) snapshots.push_back(e.path());
  if (snapshots.size() == 1) return snapshots[0].string();
  return {};
}

Result<std::string> locate_model(const ServerFlags& f, std::string& how) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::string> looked;
  if (f.in_container) {
    if (auto h = host_path(f.mounts, f.model)) {
      if (fs::exists(*h, ec)) {
        how = fmt::format("{} in the container is {} here (its bind mount)", f.model, *h);
        return *h;
      }
      looked.push_back(*h);
    }
  } else if (fs::exists(f.model, ec)) {
    return f.model;
  } else {
    looked.push_back(f.model);
  }
  std::vector<std::string> hubs;
  for (const Mount& m : f.mounts) {
    if (m.container.ends_with("/huggingface") || m.container.ends_with("/huggingface/")) {
      hubs.push_back(m.host + "/hub");
    }
    if (m.container.ends_with("/hub") || m.container.ends_with("/hub/")) hubs.push_back(m.host);
  }
  for (const std::string& e : f.env) {
    if (e.starts_with("HF_HOME=")) {
      if (auto h = host_path(f.mounts, e.substr(8))) hubs.push_back(*h + "/hub");
    }
  }
  if (const char* home = std::getenv("HF_HOME"); home != nullptr && *home != '\0') {
    hubs.push_back(std::string(home) + "/hub");
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    hubs.push_back(std::string(home) + "/.cache/huggingface/hub");
  }
  for (const std::string& hub : hubs) {
    if (auto snap = hf_snapshot(hub, f.model)) {
      how = fmt::format("{} from the Hugging Face cache: {}", f.model, *snap);
      return *snap;
    }
    looked.push_back(hub + " (Hugging Face cache)");
  }
  std::string where;
  for (const std::string& l : looked)
    where += (where.empty() ? "" : ", ") + l;
  return make_error(
      fmt::format("the command's model {} is not on this machine (looked at {}): "
                  "give --model PATH",
                  f.model, where.empty() ? "nothing" : where));
}

Result<std::string> ollama_blob(const std::string& name) {
  namespace fs = std::filesystem;
  std::string repo = name, tag = "latest";
  if (const size_t colon = name.rfind(':');
      colon != std::string::npos && name.find('/', colon) == std::string::npos) {
    repo = name.substr(0, colon);
    tag = name.substr(colon + 1);
  }
  const size_t slashes = static_cast<size_t>(std::count(repo.begin(), repo.end(), '/'));
  const std::string path = slashes == 0   ? "registry.ollama.ai/library/" + repo
                           : slashes == 1 ? "registry.ollama.ai/" + repo
                                          : repo;
  std::vector<std::string> stores;
  if (const char* m = std::getenv("OLLAMA_MODELS"); m != nullptr && *m != '\0') stores.push_back(m);
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    stores.push_back(std::string(home) + "/.ollama/models");
  }
  stores.push_back("/usr/share/ollama/.ollama/models");
  std::string looked;
  for (const std::string& store : stores) {
    const fs::path manifest = fs::path(store) / "manifests" / path / tag;
    looked += (looked.empty() ? "" : ", ") + manifest.string();
    const auto text = read_file(manifest.string());
    if (!text) continue;
    nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.contains("layers") || !j["layers"].is_array()) {
      return make_error(fmt::format("{}: not an Ollama manifest (no layers)", manifest.string()));
    }
    for (const auto& layer : j["layers"]) {
      if (!layer.is_object() ||
          layer.value("mediaType", "") != "application/vnd.ollama.image.model") {
        continue;
      }
      std::string digest = layer.value("digest", "");
      if (!digest.starts_with("sha256:") || digest.find('/') != std::string::npos) break;
      digest[6] = '-';  // blobs are named sha256-HEX
      return (fs::path(store) / "blobs" / digest).string();
    }
    return make_error(fmt::format("{}: names no model layer", manifest.string()));
  }
  return make_error(
      fmt::format("Ollama model {} not found (looked at {}): give --model with "
                  "its GGUF, or set OLLAMA_MODELS",
                  name, looked));
}

}  // namespace headroom::plan
