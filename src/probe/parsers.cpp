// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "probe/parsers.h"

#include <fmt/format.h>

#include <array>

#include "core/text.h"

namespace headroom {
namespace {

Error line_error(int line_no, std::string_view what) {
  return make_error(fmt::format("line {}: {}", line_no, what));
}

// One /proc/meminfo line: "Name:   value [kB]". Shared by both meminfo parsers.
struct MeminfoLine {
  std::string_view name;
  uint64_t value = 0;
  bool is_count = false;
};

Status split_meminfo_line(std::string_view line, int line_no, MeminfoLine& out) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return line_error(line_no, "expected 'Name: value kB'");
  }
  out.name = line.substr(0, colon);
  for (char c : out.name) {
    if (is_space(c) || static_cast<unsigned char>(c) < 0x20) {
      return line_error(line_no, "field name contains a space or a control character");
    }
  }
  std::string_view rest = line.substr(colon + 1);
  const std::string_view number = next_word(rest);
  const std::string_view unit = next_word(rest);
  if (!trim(rest).empty()) return line_error(line_no, "unexpected text after the value");
  auto v = parse_u64(number);
  if (!v) {
    return line_error(
        line_no, fmt::format("value of {} is not a non-negative integer", out.name.substr(0, 64)));
  }
  if (unit.empty()) {
    out.value = *v;
    out.is_count = true;
  } else if (unit == "kB") {
    if (__builtin_mul_overflow(*v, 1024ULL, &out.value)) {
      return line_error(line_no, fmt::format("value of {} overflows", out.name.substr(0, 64)));
    }
    out.is_count = false;
  } else {
    return line_error(line_no, "unit is not kB");
  }
  return {};
}

// The kernel ends every line with a newline; a file that does not was cut off mid-line, and its
// last number cannot be trusted.
Status check_complete(std::string_view text) {
  if (text.empty()) return make_error("empty file");
  if (text.back() != '\n') {
    int lines = 1;
    for (char c : text)
      lines += c == '\n';
    return line_error(lines, "truncated: the last line has no newline");
  }
  return {};
}

struct KnownField {
  std::string_view name;
  uint64_t MemInfo::*member;
};

constexpr std::array<KnownField, 17> kMeminfoFields{{
    {"MemTotal", &MemInfo::total},
    {"MemFree", &MemInfo::free},
    {"MemAvailable", &MemInfo::available},
    {"Buffers", &MemInfo::buffers},
    {"Cached", &MemInfo::cached},
    {"SwapCached", &MemInfo::swap_cached},
    {"Active(file)", &MemInfo::active_file},
    {"Inactive(file)", &MemInfo::inactive_file},
    {"Shmem", &MemInfo::shmem},
    {"SReclaimable", &MemInfo::sreclaimable},
    {"Dirty", &MemInfo::dirty},
    {"Writeback", &MemInfo::writeback},
    {"Mapped", &MemInfo::mapped},
    {"AnonPages", &MemInfo::anon},
    {"SwapTotal", &MemInfo::swap_total},
    {"SwapFree", &MemInfo::swap_free},
    {"Unevictable", &MemInfo::unevictable},
}};

}  // namespace

Status parse_meminfo(std::string_view text, MemInfo& out) {
  out = MemInfo{};
  if (Status st = check_complete(text); !st) return st;
  LineReader lines(text);
  std::string_view line;
  bool has_total = false, has_free = false, has_available = false;
  while (lines.next(line)) {
    if (trim(line).empty()) continue;
    MeminfoLine f;
    if (Status st = split_meminfo_line(line, lines.line_no(), f); !st) return st;
    for (const KnownField& k : kMeminfoFields) {
      if (k.name == f.name) {
        if (f.is_count)
          return line_error(lines.line_no(), fmt::format("{} has no kB unit", k.name));
        out.*(k.member) = f.value;
        has_total |= k.member == &MemInfo::total;
        has_free |= k.member == &MemInfo::free;
        has_available |= k.member == &MemInfo::available;
        break;
      }
    }
  }
  if (!has_total) return make_error("MemTotal is missing");
  if (!has_free) return make_error("MemFree is missing");
  if (!has_available) {
    // Linux < 3.14: the same estimate free(1) and earlyoom fall back to.
    out.available = out.free + out.active_file + out.inactive_file + out.sreclaimable;
    out.available_estimated = true;
  }
  return {};
}

Result<std::vector<MeminfoField>> parse_meminfo_fields(std::string_view text) {
  std::vector<MeminfoField> fields;
  if (Status st = check_complete(text); !st) return st.error();
  LineReader lines(text);
  std::string_view line;
  while (lines.next(line)) {
    if (trim(line).empty()) continue;
    MeminfoLine f;
    if (Status st = split_meminfo_line(line, lines.line_no(), f); !st) return st.error();
    fields.push_back(MeminfoField{std::string(f.name), f.value, f.is_count});
  }
  return fields;
}

Result<uint64_t> parse_cgroup_limit(std::string_view text) {
  const std::string_view t = trim(text);
  if (t == "max") return kUnlimited;
  auto v = parse_u64(t);
  if (!v) return make_error("line 1: expected a number of bytes or \"max\"");
  // cgroup v1 writes "no limit" as PAGE_COUNTER_MAX pages: 9223372036854771712 with 4 KiB pages,
  // 9223372036854710272 with the 64 KiB pages of some arm64 kernels. Anything >= 2^62 is that.
  if (*v >= (1ULL << 62)) return kUnlimited;
  return *v;
}

Result<uint64_t> parse_cgroup_value(std::string_view text) {
  auto v = parse_u64(trim(text));
  if (!v) return make_error("line 1: expected a number");
  return *v;
}

Status parse_flat_keyed(std::string_view text, const std::string_view* keys, uint64_t* out,
                        size_t n, unsigned* found) {
  *found = 0;
  LineReader lines(text);
  std::string_view line;
  while (lines.next(line)) {
    std::string_view rest = line;
    const std::string_view key = next_word(rest);
    if (key.empty()) continue;
    const std::string_view value = next_word(rest);
    if (!trim(rest).empty()) return line_error(lines.line_no(), "expected 'key value'");
    auto v = parse_u64(value);
    if (!v) return line_error(lines.line_no(), "expected 'key value' with a non-negative integer");
    for (size_t i = 0; i < n; ++i) {
      if (keys[i] == key) {
        out[i] = *v;
        *found |= 1u << i;
      }
    }
  }
  return {};
}

Status parse_psi(std::string_view text, PsiSample& out) {
  out = PsiSample{};
  LineReader lines(text);
  std::string_view line;
  bool has_some = false;
  while (lines.next(line)) {
    std::string_view rest = line;
    const std::string_view kind = next_word(rest);
    if (kind.empty()) continue;
    PsiLine* target = nullptr;
    if (kind == "some") {
      target = &out.some;
      has_some = true;
    } else if (kind == "full") {
      target = &out.full;
      out.has_full = true;
    } else {
      return line_error(lines.line_no(), "expected \"some\" or \"full\"");
    }
    unsigned seen = 0;
    for (std::string_view word = next_word(rest); !word.empty(); word = next_word(rest)) {
      const size_t eq = word.find('=');
      if (eq == std::string_view::npos) return line_error(lines.line_no(), "expected key=value");
      const std::string_view k = word.substr(0, eq), v = word.substr(eq + 1);
      if (k == "total") {
        auto t = parse_u64(v);
        if (!t) return line_error(lines.line_no(), "total is not an integer");
        target->total_us = *t;
        seen |= 8;
        continue;
      }
      auto d = parse_decimal(v);
      if (!d || *d > 100.0) {
        return line_error(lines.line_no(), "average is not a percentage");
      }
      if (k == "avg10") {
        target->avg10 = *d;
        seen |= 1;
      } else if (k == "avg60") {
        target->avg60 = *d;
        seen |= 2;
      } else if (k == "avg300") {
        target->avg300 = *d;
        seen |= 4;
      }
    }
    if (seen != 15) return line_error(lines.line_no(), "avg10, avg60, avg300 or total missing");
  }
  if (!has_some) return make_error("the \"some\" line is missing");
  out.present = true;
  return {};
}

namespace {

// /proc/self/mounts escapes space, tab, newline and backslash as \ooo.
std::string unescape_mount_field(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
        s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

Result<std::vector<MountEntry>> parse_mounts(std::string_view text) {
  std::vector<MountEntry> mounts;
  LineReader lines(text);
  std::string_view line;
  while (lines.next(line)) {
    std::string_view rest = line;
    const std::string_view src = next_word(rest);
    if (src.empty()) continue;
    const std::string_view target = next_word(rest);
    const std::string_view fstype = next_word(rest);
    const std::string_view options = next_word(rest);
    if (options.empty()) {
      return line_error(lines.line_no(), "expected 'source target type options ...'");
    }
    mounts.push_back(MountEntry{unescape_mount_field(src), unescape_mount_field(target),
                                std::string(fstype), std::string(options)});
  }
  return mounts;
}

Result<std::vector<ProcCgroupEntry>> parse_proc_cgroup(std::string_view text) {
  std::vector<ProcCgroupEntry> entries;
  LineReader lines(text);
  std::string_view line;
  while (lines.next(line)) {
    if (trim(line).empty()) continue;
    const size_t c1 = line.find(':');
    const size_t c2 = c1 == std::string_view::npos ? c1 : line.find(':', c1 + 1);
    if (c2 == std::string_view::npos) {
      return line_error(lines.line_no(), "expected 'id:controllers:path'");
    }
    const std::string_view path = line.substr(c2 + 1);
    if (path.empty() || path.front() != '/') {
      return line_error(lines.line_no(), "cgroup path does not start with '/'");
    }
    entries.push_back(ProcCgroupEntry{std::string(line.substr(0, c1)),
                                      std::string(line.substr(c1 + 1, c2 - c1 - 1)),
                                      std::string(path)});
  }
  return entries;
}

Result<KernelRecord> parse_kmsg_record(std::string_view text) {
  const size_t semi = text.find(';');
  if (semi == std::string_view::npos) return make_error("kmsg record without ';'");
  std::string_view prefix = text.substr(0, semi);
  uint64_t fields[3] = {};
  for (uint64_t& f : fields) {
    const size_t comma = prefix.find(',');
    auto v = parse_u64(prefix.substr(0, comma));
    if (!v) return make_error("kmsg record prefix is not 'level,seq,usec,flags'");
    f = *v;
    if (comma == std::string_view::npos) {
      prefix = {};
      break;
    }
    prefix.remove_prefix(comma + 1);
  }
  std::string_view msg = text.substr(semi + 1);
  msg = msg.substr(0, msg.find('\n'));  // dictionary lines follow the first newline
  KernelRecord r;
  r.level = static_cast<int>(fields[0] & 7);
  r.seq = fields[1];
  r.usec = fields[2];
  r.text = std::string(msg);
  return r;
}

Result<ProcStat> parse_proc_stat(std::string_view text) {
  const size_t open = text.find(" (");
  const size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return make_error("expected 'pid (comm) state ppid pgid ...'");
  }
  ProcStat st;
  auto pid = parse_u64(text.substr(0, open));
  if (!pid || *pid > 4194304) return make_error("pid is not a number");
  st.pid = static_cast<int>(*pid);
  st.comm = std::string(text.substr(open + 2, close - open - 2));
  std::string_view rest = text.substr(close + 1);
  const std::string_view state = next_word(rest);
  auto ppid = parse_u64(next_word(rest));
  auto pgid = parse_u64(next_word(rest));
  if (state.size() != 1 || !ppid || !pgid || *ppid > 4194304 || *pgid > 4194304) {
    return make_error("expected state, ppid and pgid after the name");
  }
  st.state = state[0];
  st.ppid = static_cast<int>(*ppid);
  st.pgid = static_cast<int>(*pgid);
  for (int field = 6; field < 22 && !rest.empty(); ++field)
    next_word(rest);  // session … itrealvalue
  if (auto start = parse_u64(next_word(rest))) st.start_ticks = *start;
  return st;
}

}  // namespace headroom
