// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "plan/safetensors.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

namespace headroom::plan {
namespace {

// A header larger than this is not a header (the format's own reader caps it at 100 MB).
constexpr uint64_t kMaxHeader = 100'000'000;

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

double safetensors_dtype_size(std::string_view d) {
  if (d == "F64" || d == "I64" || d == "U64") return 8;
  if (d == "F32" || d == "I32" || d == "U32") return 4;
  if (d == "F16" || d == "BF16" || d == "I16" || d == "U16") return 2;
  if (d == "F8_E4M3" || d == "F8_E5M2" || d == "F8_E8M0" || d == "I8" || d == "U8" || d == "BOOL") {
    return 1;
  }
  if (d == "F4" || d == "F6_E2M3" || d == "F6_E3M2") return 0.5;  // packed; bytes come from offsets
  return 0;
}

Result<SafetensorsHeader> parse_safetensors(std::string_view head, uint64_t file_size) {
  if (head.size() < 8 || file_size < 8) {
    return make_error("too short for a safetensors file (no 8-byte header length)");
  }
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i)
    n = (n << 8) | static_cast<unsigned char>(head[static_cast<size_t>(i)]);
  if (n > kMaxHeader) return make_error(fmt::format("header length {} is absurd (over 100 MB)", n));
  if (n > file_size - 8) {
    return make_error(fmt::format("header length {} exceeds the file ({} bytes)", n, file_size));
  }
  if (head.size() < 8 + n) return make_error("header truncated");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(head.substr(8, n));
  } catch (const nlohmann::json::exception& e) {
    return make_error(fmt::format("header is not valid JSON ({})", e.what()));
  }
  if (!j.is_object()) return make_error("header is not a JSON object");
  const uint64_t data_size = file_size - 8 - n;
  SafetensorsHeader out;
  for (const auto& item : j.items()) {
    const std::string& name = item.key();
    const nlohmann::json& t = item.value();
    if (name == "__metadata__") continue;
    auto bad = [&](std::string_view what) {
      return make_error(fmt::format("tensor \"{}\": {}", name, what));
    };
    if (!t.is_object()) return bad("not an object");
    const auto dtype = t.find("dtype");
    const auto shape = t.find("shape");
    const auto offsets = t.find("data_offsets");
    if (dtype == t.end() || !dtype->is_string()) return bad("dtype missing");
    if (shape == t.end() || !shape->is_array()) return bad("shape missing");
    if (offsets == t.end() || !offsets->is_array() || offsets->size() != 2 ||
        !(*offsets)[0].is_number_unsigned() || !(*offsets)[1].is_number_unsigned()) {
      return bad("data_offsets must be [begin, end]");
    }
    TensorInfo info;
    info.name = name;
    info.dtype = dtype->get<std::string>();
    for (const auto& d : *shape) {
      if (!d.is_number_unsigned()) return bad("shape must hold non-negative integers");
      info.shape.push_back(d.get<uint64_t>());
    }
    const uint64_t b = (*offsets)[0].get<uint64_t>();
    const uint64_t e = (*offsets)[1].get<uint64_t>();
    if (b > e || e > data_size) {
      return bad(
          fmt::format("data_offsets [{}, {}] lie outside the data ({} bytes)", b, e, data_size));
    }
    info.bytes = e - b;
    // Where the element size is known, the byte range must match the shape.
    const double size = safetensors_dtype_size(info.dtype);
    if (size >= 1) {
      long double elements = 1;
      for (uint64_t d : info.shape)
        elements *= static_cast<long double>(d);
      if (elements * static_cast<long double>(size) != static_cast<long double>(info.bytes)) {
        return bad(fmt::format("{} bytes do not hold its shape of {} elements", info.bytes,
                               static_cast<double>(elements)));
      }
    }
    out.bytes_by_dtype[info.dtype] += info.bytes;
    out.total_bytes += info.bytes;
    out.tensors.push_back(std::move(info));
  }
  return out;
}

Result<SafetensorsHeader> read_safetensors(const std::string& path) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return Error{fmt::format("{}: {}", path, std::strerror(errno)), errno};
  struct stat st {};
  if (::fstat(f.fd, &st) != 0)
    return Error{fmt::format("{}: {}", path, std::strerror(errno)), errno};
  const auto size = static_cast<uint64_t>(st.st_size);
  std::string head(8, '\0');
  if (size < 8 || ::pread(f.fd, head.data(), 8, 0) != 8) {
    return make_error(
        fmt::format("{}: too short for a safetensors file (no 8-byte header length)", path));
  }
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i)
    n = (n << 8) | static_cast<unsigned char>(head[static_cast<size_t>(i)]);
  if (n <= kMaxHeader && n <= size - 8) {
    head.resize(8 + n);
    size_t got = 0;
    while (got < n) {
      const ssize_t r = ::pread(f.fd, head.data() + 8 + got, n - got, static_cast<off_t>(8 + got));
      if (r <= 0) break;
      got += static_cast<size_t>(r);
    }
    head.resize(8 + got);
  }
  auto parsed = parse_safetensors(head, size);
  if (!parsed) return parsed.error().in(path);
  return parsed;
}

}  // namespace headroom::plan
