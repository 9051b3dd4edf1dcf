// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// A shell script's variables as far as the file itself says them, so that the server line a
// script really runs is linted: NAME=value (and export/declare/local/readonly NAME=value),
// NAME+=value, arrays NAME=( … ) and NAME+=( … ); $NAME, ${NAME}, ${NAME:-word}, ${NAME-word},
// ${NAME:=word}, ${NAME=word}, ${NAME:+word}, "${A[@]}" / ${A[*]}; an unquoted expansion split
// on blanks (`exec $VLLM_CMD`). Read in file order, without control flow: the last assignment
// before a use wins. A variable the file never sets keeps its ${…} text (its value comes from
// outside: the caller, an environment file). Words keep the place where the file writes them,
// so `--gpu-memory-utilization` inside VLLM_CMD="vllm serve … \ --gpu-memory-utilization 0.9"
// is reported on its own line.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lint/document.h"
#include "lint/shell_words.h"
#include "lint/source_map.h"

namespace headroom::lint {

struct ShellValue {
  std::string text;         // a string's value
  std::vector<Word> words;  // an array's elements, or a string split on blanks, placed
  bool array = false;
};

class ShellVars {
 public:
  ShellVars(std::string_view script, const SourceMap& map) : script_(script), map_(map) {}

  // A command made only of assignments (`A=1 B="x y"`, `export A=1`, `A=( … )`): records them
  // and returns true; anything else is left alone (false).
  bool assign(const RawCommand& rc);
  // The command's words with the variables expanded.
  std::vector<Word> expand(const RawCommand& rc) const;
  const ShellValue* get(std::string_view name) const;
  // The text with every reference this can resolve replaced (a default where the variable is
  // not set here); compose's ${VAR:-default} interpolation as well.
  std::string substitute(std::string_view text) const;

 private:
  std::vector<Word> expand_word(const RawWord& w) const;
  std::vector<Word> place(const std::string& text, const RawWord& at) const;

  std::string_view script_;
  const SourceMap& map_;
  std::map<std::string, ShellValue, std::less<>> vars_;
};

}  // namespace headroom::lint
