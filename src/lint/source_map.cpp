// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "lint/source_map.h"

#include <algorithm>

namespace headroom::lint {

SourceMap SourceMap::of_text(std::string_view text, Pos first) {
  SourceMap m;
  m.add(0, first);
  uint32_t line = first.line;
  for (size_t i = text.find('\n'); i != std::string_view::npos; i = text.find('\n', i + 1)) {
    m.add(i + 1, Pos{++line, 1});
  }
  return m;
}

void SourceMap::add(size_t offset, Pos pos) {
  pieces_.push_back(Piece{offset, pos});
}

Pos SourceMap::at(size_t offset) const {
  if (pieces_.empty()) return {};
  auto it = std::upper_bound(pieces_.begin(), pieces_.end(), offset,
                             [](size_t o, const Piece& p) { return o < p.offset; });
  if (it != pieces_.begin()) --it;
  const size_t delta = offset >= it->offset ? offset - it->offset : 0;
  return Pos{it->pos.line, it->pos.col + static_cast<uint32_t>(delta)};
}

Span SourceMap::span(size_t begin, size_t end) const {
  return Span{at(begin), at(end > begin ? end - 1 : begin)};
}

}  // namespace headroom::lint
