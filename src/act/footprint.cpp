// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "act/footprint.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>

#include "act/event_log.h"
#include "act/registry.h"
#include "probe/fs.h"

namespace headroom {

namespace {
constexpr int kFootprintFormat = 1;
}  // namespace

std::string state_dir() {
  if (::geteuid() == 0) return "/var/lib/headroom";
  if (const char* x = std::getenv("XDG_STATE_HOME"); x != nullptr && *x == '/') {
    return std::string(x) + "/headroom";
  }
  if (const char* h = std::getenv("HOME"); h != nullptr && *h == '/') {
    return std::string(h) + "/.local/state/headroom";
  }
  return "/tmp/headroom-state-" + std::to_string(::getuid());
}

std::string format_footprint(const Footprint& f) {
  const nlohmann::ordered_json j{{"format", kFootprintFormat}, {"name", f.name},
                                 {"command", f.command},       {"peak_bytes", f.peak},
                                 {"measured", f.measured},     {"runs", f.runs}};
  return j.dump() + "\n";
}

Result<Footprint> parse_footprint(std::string_view text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return make_error("not a JSON object");
  Footprint f;
  for (auto [key, out] : {std::pair{"name", &f.name}, std::pair{"command", &f.command},
                          std::pair{"measured", &f.measured}}) {
    if (!j.contains(key) || !j.at(key).is_string()) {
      return make_error(std::string("\"") + key + "\": missing, or not a string");
    }
    *out = j.at(key).get<std::string>();
  }
  if (!valid_run_name(f.name)) return make_error("\"name\": not a server name");
  for (auto [key, out] : {std::pair{"peak_bytes", &f.peak}, std::pair{"runs", &f.runs}}) {
    if (!j.contains(key) || !j.at(key).is_number_unsigned()) {
      return make_error(std::string("\"") + key + "\": missing, or not a whole number");
    }
    *out = j.at(key).get<uint64_t>();
  }
  return f;
}

std::string footprint_path(std::string_view name) {
  return state_dir() + "/footprints/" + std::string(name) + ".json";
}

Result<std::optional<Footprint>> load_footprint(const std::string& name) {
  const std::string path = footprint_path(name);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<Footprint>();
  auto text = read_file(path);
  if (!text) return text.error();
  auto f = parse_footprint(*text);
  if (!f) return make_error(path + ": " + f.error().message);
  if (f->name != name) return make_error(path + ": written for \"" + f->name + "\"");
  return std::optional<Footprint>(std::move(*f));
}

Status save_footprint(const Footprint& f) {
  if (!valid_run_name(f.name)) return make_error("footprint: \"" + f.name + "\" is not a name");
  const std::string path = footprint_path(f.name);
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) return make_error(path + ": cannot create its directory: " + ec.message());
  return write_file_atomic(path, format_footprint(f));
}

FootprintLearner::FootprintLearner(std::string name, std::string command,
                                   std::optional<Footprint> known)
    : fp_(known && known->command == command ? *known : Footprint{}) {
  fp_.name = std::move(name);
  fp_.command = std::move(command);
}

void FootprintLearner::started() {
  run_peak_ = 0;
  ready_ = saved_this_run_ = false;
}

Status FootprintLearner::held(uint64_t bytes) {
  run_peak_ = std::max(run_peak_, bytes);
  const bool grew = run_peak_ > fp_.peak + fp_.peak / 100;
  if (ready_ && !saved_this_run_ && run_peak_ > 0) {
    fp_.peak = run_peak_;
    ++fp_.runs;
    saved_this_run_ = true;
  } else if (grew && (ready_ || fp_.runs > 0)) {
    fp_.peak = run_peak_;
  } else {
    return {};
  }
  fp_.measured = iso_now();
  return save_footprint(fp_);
}

}  // namespace headroom
