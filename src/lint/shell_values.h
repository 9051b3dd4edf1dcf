// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// A shell script's variables as far as the file itself says them, so that the server line a
// script really runs is linted: NAME=value (and export/declare/local/readonly NAME=value),
// NAME+=value, arrays NAME=( … ) and NAME+=( … ); $NAME, ${NAME}, ${NAME:-word}, ${NAME-word},
// ${NAME:=word}, ${NAME=word}, ${NAME:+word}, "${A[@]}" / ${A[*]}; an unquoted expansion split
// on blanks (`exec $VLLM_CMD`). One ShellVars is one way through the file: the last assignment
// before a use wins (the reader keeps one per branch of an if/elif/else, see read_shell). A
// variable the file never sets keeps its ${…} text (its value comes from outside: the caller, an
// environment file). Words keep the place where the file writes them, so
// `--gpu-memory-utilization` inside VLLM_CMD="vllm serve … \ --gpu-memory-utilization 0.9" is
// reported on its own line, and a word that came through a variable says where that was set
// (Word::origin).
#pragma once

#include <map>
#include <optional>
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
  std::string file;   // set in a sourced file (its words are then placed where they are used)
  uint32_t line = 0;  // where it was set
  friend bool operator==(const ShellValue& a, const ShellValue& b) {
    if (a.text != b.text || a.array != b.array || a.words.size() != b.words.size()) return false;
    for (size_t i = 0; i < a.words.size(); ++i)
      if (a.words[i].text != b.words[i].text) return false;
    return true;
  }
};

class ShellVars {
 public:
  ShellVars(std::string_view script, const SourceMap& map) : script_(script), map_(&map) {}

  // A command made only of assignments (`A=1 B="x y"`, `export A=1`, `A=( … )`): records them
  // and returns true; anything else is left alone (false).
  bool assign(const RawCommand& rc);
  // The assignments of a file this one sources (`source config.env`), `text` being that file's
  // and `file` its name: recorded as set there.
  void assign_sourced(std::string_view text, const std::string& file);
  // The command's words with the variables expanded.
  std::vector<Word> expand(const RawCommand& rc) const;
  const ShellValue* get(std::string_view name) const;
  // The text with every reference this can resolve replaced (a default where the variable is
  // not set here); compose's ${VAR:-default} interpolation as well.
  std::string substitute(std::string_view text) const;
  // Where the first variable `text` refers to that is set was set (nullopt: none is).
  std::optional<Origin> origin_of(std::string_view text) const;
  // The same values (two ways through an if/elif that agree are one).
  bool same_as(const ShellVars& other) const { return vars_ == other.vars_; }

 private:
  std::string substitute(std::string_view text, int depth) const;
  std::vector<Word> expand_word(const RawWord& w) const;
  std::vector<Word> place(const std::string& text, const RawWord& at) const;

  std::string_view script_;
  const SourceMap* map_;
  std::string file_;  // the sourced file being read, empty for the script itself
  std::map<std::string, ShellValue, std::less<>> vars_;
};

}  // namespace headroom::lint
