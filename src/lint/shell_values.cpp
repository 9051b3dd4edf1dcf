// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "lint/shell_values.h"

#include <optional>

#include "core/text.h"

namespace headroom::lint {
namespace {

bool name_char(char c, bool first) {
  return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (!first && is_digit(c));
}

// NAME=, NAME+=: the name, whether it appends, and where the value starts.
struct Assignment {
  std::string name;
  bool append = false;
  size_t value_at = 0;
};
std::optional<Assignment> assignment(std::string_view w) {
  size_t i = 0;
  while (i < w.size() && name_char(w[i], i == 0))
    ++i;
  if (i == 0 || i >= w.size()) return std::nullopt;
  if (w[i] == '=') return Assignment{std::string(w.substr(0, i)), false, i + 1};
  if (w[i] == '+' && i + 1 < w.size() && w[i + 1] == '=') {
    return Assignment{std::string(w.substr(0, i)), true, i + 2};
  }
  return std::nullopt;
}

// One ${…} or $NAME at text[at] ('$'): its name, operator, word and length; nullopt when it is
// not one this reads (a positional $1, $(…), ${#X}, ${X%y}).
struct Reference {
  std::string name;
  std::string op;    // "", ":-", "-", ":=", "=", ":+", "[@]", "[*]"
  std::string word;  // the operator's word
  size_t length = 0;
};
std::optional<Reference> reference(std::string_view text, size_t at) {
  if (at + 1 >= text.size()) return std::nullopt;
  Reference r;
  if (text[at + 1] != '{') {
    size_t i = at + 1;
    while (i < text.size() && name_char(text[i], i == at + 1))
      ++i;
    if (i == at + 1) return std::nullopt;
    r.name = std::string(text.substr(at + 1, i - at - 1));
    r.length = i - at;
    return r;
  }
  // ${…}: to the matching brace.
  size_t depth = 0, end = at + 1;
  for (; end < text.size(); ++end) {
    if (text[end] == '{') ++depth;
    if (text[end] == '}' && --depth == 0) break;
  }
  if (end >= text.size()) return std::nullopt;
  const std::string_view inner = text.substr(at + 2, end - at - 2);
  size_t i = 0;
  while (i < inner.size() && name_char(inner[i], i == 0))
    ++i;
  if (i == 0) return std::nullopt;
  r.name = std::string(inner.substr(0, i));
  const std::string_view rest = inner.substr(i);
  r.length = end - at + 1;
  if (rest.empty()) return r;
  for (std::string_view op : {"[@]", "[*]"}) {
    if (rest == op) {
      r.op = std::string(op);
      return r;
    }
  }
  for (std::string_view op : {":-", ":=", ":+", "-", "="}) {
    if (rest.starts_with(op)) {
      r.op = std::string(op);
      r.word = std::string(rest.substr(op.size()));
      return r;
    }
  }
  return std::nullopt;
}

std::vector<std::string> blank_split(std::string_view s) {
  std::vector<std::string> out;
  for (std::string_view w = next_word(s); !w.empty(); w = next_word(s))
    out.emplace_back(w);
  return out;
}

}  // namespace

const ShellValue* ShellVars::get(std::string_view name) const {
  auto it = vars_.find(name);
  return it == vars_.end() ? nullptr : &it->second;
}

// The text with every reference this can resolve replaced; the others stay as written. Defaults
// inside defaults (${A:-${B:-0.9}}) are read 16 deep; deeper ones stay as written.
std::string ShellVars::substitute(std::string_view text) const {
  return substitute(text, 0);
}

std::string ShellVars::substitute(std::string_view text, int depth) const {
  if (depth > 16) return std::string(text);
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (text[i] != '$') {
      out += text[i++];
      continue;
    }
    const auto r = reference(text, i);
    if (!r) {
      out += text[i++];
      continue;
    }
    const ShellValue* v = get(r->name);
    std::string value;
    bool known = v != nullptr;
    if (v != nullptr) {
      if (v->array) {
        for (const Word& w : v->words)
          value += (value.empty() ? "" : " ") + w.text;
      } else {
        value = v->text;
      }
    }
    const bool empty = !known || value.empty();
    if ((r->op == ":-" || r->op == ":=") && empty) {
      value = substitute(r->word, depth + 1);
      known = true;
    } else if ((r->op == "-" || r->op == "=") && !known) {
      value = substitute(r->word, depth + 1);
      known = true;
    } else if (r->op == ":+") {
      value = known && !empty ? substitute(r->word, depth + 1) : "";
      known = true;
    }
    out += known ? value : std::string(text.substr(i, r->length));
    i += r->length;
  }
  return out;
}

// Where the first variable `text` refers to that is set was set.
std::optional<Origin> ShellVars::origin_of(std::string_view text) const {
  for (size_t at = text.find('$'); at != std::string_view::npos; at = text.find('$', at + 1)) {
    const auto r = reference(text, at);
    if (!r) continue;
    if (const ShellValue* v = get(r->name)) return Origin{r->name, v->file, v->line, false};
  }
  return std::nullopt;
}

// Words of a value, each placed where the file writes it: looked for in order inside the word's
// own text (a quoted string over several lines); the words a variable gave read off its
// reference in the text: a one-word value ("0.9") placed at the reference, a longer one's words
// (VLLM_CMD="$VLLM_CMD --cpu-offload-gb 40") where that variable placed them, each keeping where
// it was set; else at the word.
std::vector<Word> ShellVars::place(const std::string& text, const RawWord& at) const {
  std::vector<Word> out;
  const std::string_view raw = script_.substr(at.begin, at.end - at.begin);
  struct Open {  // a reference whose words are being read
    const ShellValue* value = nullptr;
    std::string name;
    size_t next = 0, at = 0, length = 0;
  } open;
  size_t cursor = 0;
  for (std::string& w : blank_split(text)) {
    Span span = map_->span(at.begin, at.end);
    std::optional<Origin> origin;
    const auto take = [&](const ShellValue& v, const std::string& name, size_t k, size_t ref_at,
                          size_t ref_length) {
      const Word& vw = v.words[k];
      origin = vw.origin;
      if (v.words.size() == 1 || !v.file.empty() || vw.span.begin.line == 0) {
        span = map_->span(at.begin + ref_at, at.begin + ref_at + ref_length);
        if (!origin) origin = Origin{name, v.file, v.line, false};
      } else {
        span = vw.span;  // where it is written: said by the finding's place
      }
    };
    if (open.value != nullptr && open.next < open.value->words.size() &&
        open.value->words[open.next].text == w) {
      take(*open.value, open.name, open.next++, open.at, open.length);
      if (open.next == open.value->words.size()) {
        cursor = open.at + open.length;
        open.value = nullptr;
      }
    } else if (const size_t found = raw.find(w, cursor); found != std::string_view::npos) {
      open.value = nullptr;
      span = map_->span(at.begin + found, at.begin + found + w.size());
      cursor = found + w.size();
    } else {
      open.value = nullptr;
      bool placed = false;
      for (size_t p = raw.find('$', cursor); p != std::string_view::npos && !placed;
           p = raw.find('$', p + 1)) {
        const auto r = reference(raw, p);
        const ShellValue* v = r ? get(r->name) : nullptr;
        if (v == nullptr || v->words.empty() || v->words[0].text != w) continue;
        take(*v, r->name, 0, p, r->length);
        if (v->words.size() > 1) {
          open = Open{v, r->name, 1, p, r->length};
        } else {
          cursor = p + r->length;
        }
        placed = true;
      }
      for (auto it = vars_.begin(); it != vars_.end() && !placed; ++it) {
        for (const Word& vw : it->second.words) {
          if (vw.text != w) continue;
          if (it->second.file.empty()) span = vw.span;
          origin = vw.origin ? vw.origin : Origin{it->first, it->second.file, it->second.line};
          placed = true;
          break;
        }
      }
    }
    const auto r = w[0] == '$' ? reference(w, 0) : std::nullopt;
    const bool unresolved = r && r->length == w.size() && get(r->name) == nullptr;
    out.push_back(Word{std::move(w), span, unresolved, std::move(origin)});
  }
  return out;
}

void ShellVars::assign_sourced(std::string_view text, const std::string& file) {
  SplitResult split = split_commands(text, Syntax::shell);
  if (split.error) return;
  const SourceMap map = SourceMap::of_text(text);
  const std::string_view script = script_;
  const SourceMap* script_map = map_;
  script_ = text;
  map_ = &map;
  file_ = file;
  for (const RawCommand& rc : split.commands)
    assign(rc);
  script_ = script;
  map_ = script_map;
  file_.clear();
}

bool ShellVars::assign(const RawCommand& rc) {
  if (rc.words.empty()) return false;
  size_t first = 0;
  const std::string_view lead = rc.words[0].text;
  if (lead == "export" || lead == "declare" || lead == "local" || lead == "readonly" ||
      lead == "typeset") {
    first = 1;
    while (first < rc.words.size() && rc.words[first].text.starts_with("-"))
      ++first;
  }
  if (first >= rc.words.size()) return first > 0;
  // Every word an assignment (an array's elements between "NAME=(" and ")").
  for (size_t i = first; i < rc.words.size(); ++i) {
    const auto a = assignment(rc.words[i].text);
    if (!a) return false;
    if (rc.words[i].text.size() == a->value_at + 1 && rc.words[i].text.back() == '(') {
      size_t close = i + 1;
      while (close < rc.words.size() && rc.words[close].text != ")")
        ++close;
      if (close >= rc.words.size()) return false;
      i = close;
    }
  }
  for (size_t i = first; i < rc.words.size(); ++i) {
    const RawWord& w = rc.words[i];
    const Assignment a = *assignment(w.text);
    ShellValue& v = vars_[a.name];
    if (w.text.size() == a.value_at + 1 && w.text.back() == '(') {
      ShellValue next;
      next.array = true;
      if (a.append && v.array) next.words = v.words;
      for (++i; i < rc.words.size() && rc.words[i].text != ")"; ++i) {
        for (Word& e : expand_word(rc.words[i]))
          next.words.push_back(std::move(e));
      }
      next.file = file_;
      next.line = map_->at(w.begin).line;
      v = std::move(next);
      continue;
    }
    const std::string value = substitute(std::string_view(w.text).substr(a.value_at));
    ShellValue next;
    next.text = a.append && !v.array ? v.text + value : value;
    next.words = place(next.text, w);
    next.file = file_;
    next.line = map_->at(w.begin).line;
    // MEM_FRACTION="${MEM_FRACTION:-0.80}" after a sourced file set it: the value is still the
    // one set there.
    const auto from = origin_of(std::string_view(w.text).substr(a.value_at));
    if (!a.append && v.line != 0 && from && from->name == a.name && next.text == v.text) {
      next.file = v.file;
      next.line = v.line;
    }
    v = std::move(next);
  }
  return true;
}

std::vector<Word> ShellVars::expand_word(const RawWord& w) const {
  const Span at = map_->span(w.begin, w.end);
  if (w.text.find('$') == std::string::npos) return {Word{w.text, at}};
  // The whole word one reference: an array's elements, or an unquoted string's words, each
  // where the file wrote it (a sourced file's where they are used, with where they were set).
  if (w.text[0] == '$') {
    if (const auto r = reference(w.text, 0); r && r->length == w.text.size()) {
      if (const ShellValue* v = get(r->name)) {
        const bool elements = v->array && (r->op == "[@]" || r->op == "[*]");
        const bool takes_value =
            r->op.empty() ||
            ((r->op == ":-" || r->op == ":=" || r->op == "-" || r->op == "=") && !v->text.empty());
        if (elements || (!v->array && !w.quoted && takes_value)) {
          std::vector<Word> out = v->words;
          for (Word& e : out) {
            if (!v->file.empty()) e.span = at;
            if (e.origin) continue;
            e.origin = v->file.empty() ? Origin{r->name, "", at.begin.line, true}
                                       : Origin{r->name, v->file, v->line, false};
          }
          return out;
        }
      }
    }
  }
  std::string text = substitute(w.text);
  if (w.quoted) return {Word{std::move(text), at, false, origin_of(w.text)}};
  const bool unresolved = text == w.text && w.text[0] == '$' && reference(w.text, 0).has_value() &&
                          reference(w.text, 0)->length == w.text.size();
  if (unresolved) return {Word{std::move(text), at, true}};
  return place(text, w);
}

std::vector<Word> ShellVars::expand(const RawCommand& rc) const {
  std::vector<Word> out;
  for (const RawWord& w : rc.words) {
    for (Word& e : expand_word(w))
      out.push_back(std::move(e));
  }
  return out;
}

}  // namespace headroom::lint
