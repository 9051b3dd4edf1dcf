// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "plan/gguf.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace headroom::plan {
namespace {

// ggml.h's ggml_type table (ggml/src/ggml.c type_traits: blck_size, type_size).
constexpr auto kTypes = std::to_array<std::pair<uint32_t, GgmlType>>({
    {0, {"F32", 1, 4}},         {1, {"F16", 1, 2}},         {2, {"Q4_0", 32, 18}},
    {3, {"Q4_1", 32, 20}},      {6, {"Q5_0", 32, 22}},      {7, {"Q5_1", 32, 24}},
    {8, {"Q8_0", 32, 34}},      {9, {"Q8_1", 32, 36}},      {10, {"Q2_K", 256, 84}},
    {11, {"Q3_K", 256, 110}},   {12, {"Q4_K", 256, 144}},   {13, {"Q5_K", 256, 176}},
    {14, {"Q6_K", 256, 210}},   {15, {"Q8_K", 256, 292}},   {16, {"IQ2_XXS", 256, 66}},
    {17, {"IQ2_XS", 256, 74}},  {18, {"IQ3_XXS", 256, 98}}, {19, {"IQ1_S", 256, 50}},
    {20, {"IQ4_NL", 32, 18}},   {21, {"IQ3_S", 256, 110}},  {22, {"IQ2_S", 256, 82}},
    {23, {"IQ4_XS", 256, 136}}, {24, {"I8", 1, 1}},         {25, {"I16", 1, 2}},
    {26, {"I32", 1, 4}},        {27, {"I64", 1, 8}},        {28, {"F64", 1, 8}},
    {29, {"IQ1_M", 256, 56}},   {30, {"BF16", 1, 2}},       {34, {"TQ1_0", 256, 54}},
    {35, {"TQ2_0", 256, 66}},   {39, {"MXFP4", 32, 17}},
});

constexpr uint64_t kMaxTensors = 1u << 20;
constexpr uint64_t kMaxKeys = 1u << 20;
constexpr uint32_t kMaxDims = 8;
constexpr size_t kKeptInts = 65536;

class Reader {
 public:
  Reader(std::string_view data, uint64_t file_size) : d_(data), file_size_(file_size) {}

  uint64_t pos() const { return pos_; }
  uint64_t left() const { return d_.size() - pos_; }  // of what was read
  uint64_t file_left() const { return file_size_ > pos_ ? file_size_ - pos_ : 0; }

  template <class T>
  Result<T> num(std::string_view what) {
    if (left() < sizeof(T)) return short_read(what, sizeof(T));
    T v;
    std::memcpy(&v, d_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }

  Result<std::string> str(std::string_view what) {
    auto len = num<uint64_t>(what);
    if (!len) return len.error();
    if (*len > file_left()) {
      return make_error(
          fmt::format("byte {}: {} length {} exceeds the file", pos_ - 8, what, *len));
    }
    if (*len > left()) return short_read(what, *len);
    std::string s(d_.substr(pos_, *len));
    pos_ += *len;
    return s;
  }

  Error short_read(std::string_view what, uint64_t need) const {
    return make_error(
        fmt::format("byte {}: the file ends inside {} (needs {} more bytes)", pos_, what, need));
  }

 private:
  std::string_view d_;
  uint64_t file_size_;
  uint64_t pos_ = 0;
};

uint64_t scalar_size(uint32_t t) {
  switch (t) {
    case 0:
    case 1:
    case 7:
      return 1;
    case 2:
    case 3:
      return 2;
    case 4:
    case 5:
    case 6:
      return 4;
    case 10:
    case 11:
    case 12:
      return 8;
    default:
      return 0;
  }
}

Result<GgufValue> value(Reader& r, uint32_t type, const std::string& key, int depth);

Result<GgufValue> scalar(Reader& r, uint32_t type, const std::string& key) {
  switch (type) {
    case 0: {
      auto v = r.num<uint8_t>(key);
      if (!v) return v.error();
      return GgufValue{uint64_t{*v}};
    }
    case 1: {
      auto v = r.num<int8_t>(key);
      if (!v) return v.error();
      return GgufValue{int64_t{*v}};
    }
    case 2: {
      auto v = r.num<uint16_t>(key);
      if (!v) return v.error();
      return GgufValue{uint64_t{*v}};
    }
    case 3: {
      auto v = r.num<int16_t>(key);
      if (!v) return v.error();
      return GgufValue{int64_t{*v}};
    }
    case 4: {
      auto v = r.num<uint32_t>(key);
      if (!v) return v.error();
      return GgufValue{uint64_t{*v}};
    }
    case 5: {
      auto v = r.num<int32_t>(key);
      if (!v) return v.error();
      return GgufValue{int64_t{*v}};
    }
    case 6: {
      auto v = r.num<float>(key);
      if (!v) return v.error();
      return GgufValue{double{*v}};
    }
    case 7: {
      auto v = r.num<uint8_t>(key);
      if (!v) return v.error();
      return GgufValue{*v != 0};
    }
    case 10: {
      auto v = r.num<uint64_t>(key);
      if (!v) return v.error();
      return GgufValue{*v};
    }
    case 11: {
      auto v = r.num<int64_t>(key);
      if (!v) return v.error();
      return GgufValue{*v};
    }
    case 12: {
      auto v = r.num<double>(key);
      if (!v) return v.error();
      return GgufValue{*v};
    }
    default:
      break;
  }
  return make_error(
      fmt::format("byte {}: key \"{}\" has unknown value type {}", r.pos(), key, type));
}

Result<GgufValue> value(Reader& r, uint32_t type, const std::string& key, int depth) {
  if (type == 8) {
    auto s = r.str(fmt::format("the string of \"{}\"", key));
    if (!s) return s.error();
    return GgufValue{std::move(*s)};
  }
  if (type != 9) return scalar(r, type, key);
  if (depth > 3) return make_error(fmt::format("key \"{}\": arrays nested too deep", key));
  auto elem = r.num<uint32_t>(key);
  if (!elem) return elem.error();
  auto count = r.num<uint64_t>(key);
  if (!count) return count.error();
  const uint64_t min_size = *elem == 8 ? 8 : *elem == 9 ? 12 : scalar_size(*elem);
  if (min_size == 0) {
    return make_error(
        fmt::format("byte {}: array \"{}\" has unknown element type {}", r.pos(), key, *elem));
  }
  if (*count > r.file_left() / min_size) {
    return make_error(
        fmt::format("byte {}: array \"{}\" claims {} elements, more than the file holds", r.pos(),
                    key, *count));
  }
  GgufArray a;
  a.count = *count;
  for (uint64_t i = 0; i < *count; ++i) {
    auto v = value(r, *elem, key, depth + 1);
    if (!v) return v.error();
    if (a.ints.size() < kKeptInts) {
      if (auto* u = std::get_if<uint64_t>(&*v)) a.ints.push_back(static_cast<int64_t>(*u));
      if (auto* s = std::get_if<int64_t>(&*v)) a.ints.push_back(*s);
      if (auto* b = std::get_if<bool>(&*v)) a.ints.push_back(*b ? 1 : 0);  // per-layer flags
    }
  }
  return GgufValue{std::move(a)};
}

}  // namespace

std::optional<GgmlType> ggml_type(uint32_t type) {
  for (const auto& [id, t] : kTypes) {
    if (id == type) return t;
  }
  return std::nullopt;
}

std::optional<int64_t> GgufFile::integer(std::string_view key) const {
  auto it = metadata.find(key);
  if (it == metadata.end()) return std::nullopt;
  if (auto* u = std::get_if<uint64_t>(&it->second)) return static_cast<int64_t>(*u);
  if (auto* s = std::get_if<int64_t>(&it->second)) return *s;
  return std::nullopt;
}

std::optional<std::string> GgufFile::string(std::string_view key) const {
  auto it = metadata.find(key);
  if (it == metadata.end()) return std::nullopt;
  if (auto* s = std::get_if<std::string>(&it->second)) return *s;
  return std::nullopt;
}

Result<GgufFile> parse_gguf(std::string_view data, uint64_t file_size) {
  Reader r(data, file_size);
  if (data.size() < 4 || data.substr(0, 4) != "GGUF") {
    return make_error("not a GGUF file (the magic is not \"GGUF\")");
  }
  (void)r.num<uint32_t>("the magic");  // checked above; read only to move past it
  GgufFile out;
  auto version = r.num<uint32_t>("the version");
  if (!version) return version.error();
  if (*version < 2 || *version > 3) {
    return make_error(fmt::format("GGUF version {} is not supported (2 and 3 are)", *version));
  }
  out.version = *version;
  auto tensors = r.num<uint64_t>("the tensor count");
  if (!tensors) return tensors.error();
  auto keys = r.num<uint64_t>("the metadata count");
  if (!keys) return keys.error();
  if (*tensors > kMaxTensors || *tensors > file_size / 24) {
    return make_error(fmt::format("byte 8: tensor count {} is absurd", *tensors));
  }
  if (*keys > kMaxKeys || *keys > file_size / 13) {
    return make_error(fmt::format("byte 16: metadata count {} is absurd", *keys));
  }
  for (uint64_t i = 0; i < *keys; ++i) {
    auto key = r.str("a metadata key");
    if (!key) return key.error();
    auto type = r.num<uint32_t>(*key);
    if (!type) return type.error();
    auto v = value(r, *type, *key, 0);
    if (!v) return v.error();
    out.metadata[*key] = std::move(*v);
  }
  for (uint64_t i = 0; i < *tensors; ++i) {
    GgufTensor t;
    auto name = r.str("a tensor name");
    if (!name) return name.error();
    t.name = std::move(*name);
    auto n_dims = r.num<uint32_t>(t.name);
    if (!n_dims) return n_dims.error();
    if (*n_dims > kMaxDims) {
      return make_error(
          fmt::format("byte {}: tensor \"{}\" has {} dimensions", r.pos(), t.name, *n_dims));
    }
    long double elements = 1;
    for (uint32_t d = 0; d < *n_dims; ++d) {
      auto dim = r.num<uint64_t>(t.name);
      if (!dim) return dim.error();
      t.dims.push_back(*dim);
      elements *= static_cast<long double>(*dim);
    }
    auto type = r.num<uint32_t>(t.name);
    if (!type) return type.error();
    auto offset = r.num<uint64_t>(t.name);
    if (!offset) return offset.error();
    t.type = *type;
    t.offset = *offset;
    const auto gt = ggml_type(t.type);
    if (!gt) {
      return make_error(fmt::format("tensor \"{}\" has unknown ggml type {}", t.name, t.type));
    }
    const long double bytes = elements / gt->block * gt->bytes;
    if (bytes > static_cast<long double>(file_size)) {
      return make_error(fmt::format("tensor \"{}\" ({} elements) is larger than the file", t.name,
                                    static_cast<double>(elements)));
    }
    t.bytes = static_cast<uint64_t>(bytes);
    out.bytes_by_type[std::string(gt->name)] += t.bytes;
    out.total_bytes += t.bytes;
    out.tensors.push_back(std::move(t));
  }
  // The data follows, aligned; every tensor must lie inside the file.
  uint64_t align = 32;
  if (auto a = out.integer("general.alignment"); a && *a > 0 && *a <= 1 << 20) {
    align = static_cast<uint64_t>(*a);
  }
  const uint64_t data_start = (r.pos() + align - 1) / align * align;
  for (const GgufTensor& t : out.tensors) {
    if (data_start > file_size || t.offset > file_size - data_start ||
        t.bytes > file_size - data_start - t.offset) {
      return make_error(
          fmt::format("tensor \"{}\" at offset {} ({} bytes) lies beyond the end of "
                      "the file",
                      t.name, t.offset, t.bytes));
    }
  }
  return out;
}

Result<GgufFile> read_gguf(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{fmt::format("{}: {}", path, std::strerror(errno)), errno};
  struct stat st {};
  ::fstat(fd, &st);
  const auto size = static_cast<uint64_t>(st.st_size);
  // The header and tables are at the front: read until the parser stops asking for more
  // (vocabularies make them megabytes), at most 256 MiB.
  std::string data;
  uint64_t want = std::min<uint64_t>(size, 4u << 20);
  Result<GgufFile> parsed = make_error("empty");
  while (true) {
    const size_t have = data.size();
    data.resize(want);
    size_t got = have;
    while (got < want) {
      const ssize_t n = ::pread(fd, data.data() + got, want - got, static_cast<off_t>(got));
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    data.resize(got);
    parsed = parse_gguf(data, size);
    const bool ends_inside =
        !parsed && parsed.error().message.find("ends inside") != std::string::npos;
    if (!ends_inside || want >= size || want >= (256u << 20)) break;
    want = std::min<uint64_t>(size, want * 4);
  }
  ::close(fd);
  if (!parsed) return parsed.error().in(path);
  return parsed;
}

}  // namespace headroom::plan
