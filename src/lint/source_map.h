// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Where a character of a derived string came from in the file: the unit parser joins continued
// lines, the shell splitter reads words out of quotes; findings must still point at the file's
// own line and column.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "lint/finding.h"

namespace headroom::lint {

class SourceMap {
 public:
  // Every line of `text`, counted from `first` (line 1, column 1 by default).
  static SourceMap of_text(std::string_view text, Pos first = {1, 1});

  // A run of characters starting at `offset` that begins at `pos` and has no newline in it
  // (offsets must be added in increasing order).
  void add(size_t offset, Pos pos);

  Pos at(size_t offset) const;
  // The span of [begin, end) (end exclusive; an empty range gives begin for both).
  Span span(size_t begin, size_t end) const;

 private:
  struct Piece {
    size_t offset;
    Pos pos;
  };
  std::vector<Piece> pieces_;
};

}  // namespace headroom::lint
