// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// headroom cache PATH…: how much of these files sits in the page cache (mincore, like vmtouch),
// and giving it back: --evict (posix_fadvise DONTNEED, no root) or --drop-caches (root: sync,
// then 3 > /proc/sys/vm/drop_caches, NVIDIA's playbook command). FIELD.md section 1: page cache
// holding the model files is the most common "not enough memory" on GB10.
#include <fmt/format.h>

#include <map>

#include "act/evict.h"
#include "cli/common.h"
#include "cli/console.h"
#include "core/size.h"
#include "probe/pagecache.h"

namespace headroom {
namespace {

struct CacheOptions {
  std::vector<std::string> paths;
  bool evict = false;
  bool drop_caches = false;
  bool json = false;
};

std::string percent(uint64_t part, uint64_t whole) {
  return whole == 0 ? "-"
                    : fmt::format("{:.0f}%",
                                  100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

int run_cache(const CacheOptions& o, const Globals& g) {
  Console console;
  if (o.evict && o.drop_caches) return console.fail("give --evict or --drop-caches, not both");
  auto before = residency_of(o.paths);
  if (!before) return console.fail(before.error().message);
  std::map<std::string, uint64_t> after;  // path -> resident bytes after giving back
  std::string action;
  if (o.evict) {
    auto ev = evict_files(o.paths);
    if (!ev) return console.fail(ev.error().message);
    for (const EvictResult& e : *ev)
      after[e.path] = e.after;
    action = "evicted (posix_fadvise DONTNEED)";
  } else if (o.drop_caches) {
    if (Status st = drop_caches(g.fs_root()); !st) return console.fail(st.error().message);
    auto again = residency_of(o.paths);
    if (!again) return console.fail(again.error().message);
    for (const Residency& r : *again)
      after[r.path] = r.resident_bytes();
    action = "dropped (sync; 3 > /proc/sys/vm/drop_caches)";
  }
  const bool gave_back = o.evict || o.drop_caches;

  uint64_t size = 0, pages = 0, resident_pages = 0, resident = 0, resident_after = 0;
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  std::string table;
  for (const Residency& r : *before) {
    size += r.size;
    pages += r.pages;
    resident_pages += r.resident_pages;
    resident += r.resident_bytes();
    const uint64_t a = gave_back ? after[r.path] : r.resident_bytes();
    resident_after += a;
    nlohmann::ordered_json f = {{"path", r.path},
                                {"size_bytes", r.size},
                                {"pages", r.pages},
                                {"resident_pages", r.resident_pages},
                                {"resident_bytes", r.resident_bytes()}};
    if (gave_back) f["resident_bytes_after"] = a;
    files.push_back(std::move(f));
    table += fmt::format("{:>10}  {:>10} / {:<10} {:>5}{}  {}\n", format_bytes(r.resident_bytes()),
                         r.resident_pages, r.pages, percent(r.resident_pages, r.pages),
                         gave_back ? fmt::format("  -> {:>10}", format_bytes(a)) : "", r.path);
  }
  if (o.json) {
    nlohmann::ordered_json j = {{"version", kJsonVersion},
                                {"files", std::move(files)},
                                {"total",
                                 {{"files", before->size()},
                                  {"size_bytes", size},
                                  {"pages", pages},
                                  {"resident_pages", resident_pages},
                                  {"resident_bytes", resident}}}};
    if (gave_back) {
      j["total"]["resident_bytes_after"] = resident_after;
      j["released_bytes"] = resident > resident_after ? resident - resident_after : 0;
      j["action"] = o.evict ? "evict" : "drop-caches";
    }
    console.line(j.dump());
    return 0;
  }
  console.line(fmt::format("{:>10}  {:>10} / {:<10} {:>5}{}  {}", "resident", "pages", "total", "",
                           gave_back ? "  ->      after" : "", "file"));
  std::string out = table;
  if (!out.empty() && out.back() == '\n') out.pop_back();
  if (!out.empty()) console.line(out);
  console.line(
      fmt::format("{:>10}  {:>10} / {:<10} {:>5}{}  total: {} files, {}", format_bytes(resident),
                  resident_pages, pages, percent(resident_pages, pages),
                  gave_back ? fmt::format("  -> {:>10}", format_bytes(resident_after)) : "",
                  before->size(), format_bytes(size)));
  if (gave_back) {
    console.line(
        fmt::format("{}: {} released, {} still cached (measured again)", action,
                    format_bytes(resident > resident_after ? resident - resident_after : 0),
                    format_bytes(resident_after)));
  }
  return 0;
}

}  // namespace

Command add_cache_command(CLI::App& parent, const Globals& globals) {
  auto o = std::make_shared<CacheOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "cache",
      "Show how much of these files sits in the page cache (like vmtouch), and give it back. "
      "On GB10, model files cached after one load are the most common cause of \"not enough "
      "memory\": CUDA does not count page cache as free.");
  cmd->add_option("paths", o->paths,
                  "Files or directories (recursive; symlinks followed, as the "
                  "Hugging Face cache uses them)")
      ->required();
  cmd->add_flag("--evict", o->evict,
                "Evict these files from the page cache (posix_fadvise DONTNEED after writing "
                "dirty pages): no root needed, only these files; reports what was released, "
                "measured again");
  cmd->add_flag("--drop-caches", o->drop_caches,
                "Root only: NVIDIA's playbook command, sync then 3 > /proc/sys/vm/drop_caches "
                "(drops all clean page cache, not just these files)");
  cmd->add_flag("--json", o->json, "One JSON object: files, totals, released bytes");
  return Command{cmd, [o, &globals] { return run_cache(*o, globals); }};
}

}  // namespace headroom
