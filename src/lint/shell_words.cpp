// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "lint/shell_words.h"

#include <cctype>

namespace headroom::lint {
namespace {

constexpr size_t npos = std::string_view::npos;

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

class Splitter {
 public:
  Splitter(std::string_view text, Syntax syntax) : t_(text), syntax_(syntax) {}

  SplitResult run() {
    while (i_ < t_.size() && !out_.error) {
      if (syntax_ == Syntax::shell) {
        shell_step();
      } else {
        systemd_step();
      }
    }
    if (!out_.error) end_command();
    return std::move(out_);
  }

 private:
  // ---- words and commands
  void start_word() {
    if (!in_word_) {
      in_word_ = true;
      word_ = RawWord{{}, i_, i_, false};
    }
  }
  void end_word() {
    if (!in_word_) return;
    word_.end = i_;
    const std::string_view raw = t_.substr(word_.begin, word_.end - word_.begin);
    if (heredoc_needs_word_) {
      heredoc_needs_word_ = false;
      heredoc_delims_.push_back(word_.text);
    } else if (syntax_ == Syntax::shell && raw.rfind("<<", 0) == 0 && raw.rfind("<<<", 0) != 0) {
      heredoc_from(word_.text.substr(word_.text.rfind("<<-", 0) == 0 ? 3 : 2));
    }
    cmd_.words.push_back(std::move(word_));
    in_word_ = false;
  }
  void end_command() {
    end_word();
    if (!cmd_.words.empty()) out_.commands.push_back(std::move(cmd_));
    cmd_ = RawCommand{};
  }
  void fail(size_t at, std::string message) { out_.error = SplitError{at, std::move(message)}; }

  // `<<EOF`, `<<'EOF'`, `<< EOF`: the body starts at the next newline.
  void heredoc_from(std::string delim) {
    if (delim.empty()) {
      heredoc_needs_word_ = true;  // the delimiter is the next word
    } else {
      heredoc_delims_.push_back(std::move(delim));
    }
  }
  void skip_heredocs() {  // i_ is just after a newline
    for (const std::string& d : heredoc_delims_) {
      while (i_ < t_.size()) {
        size_t nl = t_.find('\n', i_);
        std::string_view line = t_.substr(i_, nl == npos ? npos : nl - i_);
        while (!line.empty() && line.front() == '\t')
          line.remove_prefix(1);
        i_ = nl == npos ? t_.size() : nl + 1;
        if (line == d) break;
      }
    }
    heredoc_delims_.clear();
  }

  // ---- shell
  void shell_step() {
    const char c = t_[i_];
    if (c == '\\') {
      if (i_ + 1 < t_.size() && t_[i_ + 1] == '\n') {  // continuation
        i_ += 2;
        return;
      }
      start_word();
      word_.quoted = true;
      if (i_ + 1 >= t_.size()) {  // a backslash at the very end stands for itself
        word_.text += '\\';
        ++i_;
        return;
      }
      word_.text += t_[i_ + 1];
      i_ += 2;
      return;
    }
    if (c == '\'') {
      start_word();
      const size_t close = t_.find('\'', i_ + 1);
      if (close == npos) return fail(i_, "unterminated single quote");
      word_.text.append(t_.substr(i_ + 1, close - i_ - 1));
      word_.quoted = true;
      i_ = close + 1;
      return;
    }
    if (c == '"') {
      start_word();
      word_.quoted = true;
      return double_quoted();
    }
    if (c == '$' && i_ + 1 < t_.size() && (t_[i_ + 1] == '(' || t_[i_ + 1] == '{')) {
      start_word();
      return nested(t_[i_ + 1] == '(' ? ')' : '}', i_ + 2);
    }
    if (c == '`') {
      start_word();
      return backtick();
    }
    if (c == '#' && !in_word_) {
      const size_t nl = t_.find('\n', i_);
      i_ = nl == npos ? t_.size() : nl;
      return;
    }
    if (is_blank(c)) {
      end_word();
      ++i_;
      return;
    }
    // Bash array literals, NAME=( … ) and NAME+=( … ): one command whose words are "NAME=(",
    // the elements (over as many lines as they take) and ")".
    if (c == '(' && in_word_ && !word_.quoted && !word_.text.empty() && word_.text.back() == '=' &&
        declaration_so_far() && word_.begin + word_.text.size() == i_) {
      word_.text += '(';
      ++i_;
      end_word();
      in_array_ = true;
      return;
    }
    if (in_array_ && (c == ')' || c == '\n')) {
      end_word();
      if (c == ')') {
        start_word();
        word_.text = ")";
        ++i_;
        end_word();
        in_array_ = false;
      } else {
        ++i_;
      }
      return;
    }
    const bool redirect_amp = c == '&' && in_word_ && !word_.text.empty() &&
                              (word_.text.back() == '>' || word_.text.back() == '<');
    if ((c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')') && !redirect_amp) {
      end_command();
      ++i_;
      if (c == '\n' && !heredoc_delims_.empty()) skip_heredocs();
      return;
    }
    start_word();
    word_.text += c;
    ++i_;
  }

  void double_quoted() {  // i_ at the opening quote
    const size_t open = i_;
    ++i_;
    while (i_ < t_.size()) {
      const char c = t_[i_];
      if (c == '"') {
        ++i_;
        return;
      }
      if (c == '\\' && i_ + 1 < t_.size()) {
        const char n = t_[i_ + 1];
        if (n == '\n') {
          i_ += 2;
          continue;
        }
        if (n == '$' || n == '`' || n == '"' || n == '\\') {
          word_.text += n;
          i_ += 2;
          continue;
        }
      }
      if (c == '$' && i_ + 1 < t_.size() && (t_[i_ + 1] == '(' || t_[i_ + 1] == '{')) {
        nested(t_[i_ + 1] == '(' ? ')' : '}', i_ + 2);
        if (out_.error) return;
        continue;
      }
      if (c == '`') {
        backtick();
        if (out_.error) return;
        continue;
      }
      word_.text += c;
      ++i_;
    }
    fail(open, "unterminated double quote");
  }

  // $( … ) or ${ … }: copied literally up to the matching close, quotes inside respected.
  void nested(char close, size_t from) {
    const size_t open = i_;
    const char opener = close == ')' ? '(' : '{';
    int depth = 1;
    size_t j = from;
    while (j < t_.size()) {
      const char c = t_[j];
      if (c == '\\') {
        j += 2;
        continue;
      }
      if (c == '\'') {
        const size_t q = t_.find('\'', j + 1);
        if (q == npos) return fail(j, "unterminated single quote");
        j = q + 1;
        continue;
      }
      if (c == '"') {
        size_t k = j + 1;
        while (k < t_.size() && t_[k] != '"')
          k += t_[k] == '\\' ? 2 : 1;
        if (k >= t_.size()) return fail(j, "unterminated double quote");
        j = k + 1;
        continue;
      }
      if (c == opener) ++depth;
      if (c == close && --depth == 0) {
        word_.text.append(t_.substr(open, j + 1 - open));
        i_ = j + 1;
        return;
      }
      ++j;
    }
    fail(open, close == ')' ? "unterminated $( command substitution"
                            : "unterminated ${ parameter expansion");
  }

  void backtick() {
    size_t j = i_ + 1;
    while (j < t_.size() && t_[j] != '`')
      j += t_[j] == '\\' ? 2 : 1;
    if (j >= t_.size()) return fail(i_, "unterminated ` command substitution");
    word_.text.append(t_.substr(i_, j + 1 - i_));
    i_ = j + 1;
  }

  // ---- systemd
  void systemd_step() {
    const char c = t_[i_];
    if (is_blank(c) || c == '\n') {
      end_word();
      ++i_;
      return;
    }
    if (c == ';' && !in_word_ && (i_ + 1 >= t_.size() || is_blank(t_[i_ + 1]))) {
      end_command();
      ++i_;
      return;
    }
    start_word();
    if (c == '"' || c == '\'') {
      const size_t open = i_;
      word_.quoted = true;
      ++i_;
      while (i_ < t_.size() && t_[i_] != c) {
        if (t_[i_] == '\\') {
          c_escape();
        } else {
          word_.text += t_[i_++];
        }
      }
      if (i_ >= t_.size()) {
        return fail(open, c == '"' ? "unterminated double quote" : "unterminated single quote");
      }
      ++i_;
      return;
    }
    if (c == '\\') {
      word_.quoted = true;
      return c_escape();
    }
    word_.text += c;
    ++i_;
  }

  // systemd's cunescape(): i_ at the backslash.
  void c_escape() {
    if (i_ + 1 >= t_.size()) {
      word_.text += '\\';
      ++i_;
      return;
    }
    const char n = t_[i_ + 1];
    i_ += 2;
    switch (n) {
      case 'a':
        word_.text += '\a';
        return;
      case 'b':
        word_.text += '\b';
        return;
      case 'f':
        word_.text += '\f';
        return;
      case 'n':
        word_.text += '\n';
        return;
      case 'r':
        word_.text += '\r';
        return;
      case 't':
        word_.text += '\t';
        return;
      case 'v':
        word_.text += '\v';
        return;
      case 's':
        word_.text += ' ';
        return;
      case 'x': {
        unsigned v = 0;
        int k = 0;
        for (; k < 2 && i_ < t_.size() && std::isxdigit(static_cast<unsigned char>(t_[i_])); ++k) {
          const char h = t_[i_++];
          v = v * 16 + static_cast<unsigned>(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
        }
        word_.text += static_cast<char>(v);
        return;
      }
      default:
        if (n >= '0' && n <= '7') {
          unsigned v = static_cast<unsigned>(n - '0');
          for (int k = 0; k < 2 && i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '7'; ++k) {
            v = v * 8 + static_cast<unsigned>(t_[i_++] - '0');
          }
          word_.text += static_cast<char>(v & 0xff);
          return;
        }
        word_.text += n;  // \\ \" \' and anything else: the character itself
    }
  }

  std::string_view t_;
  Syntax syntax_;
  size_t i_ = 0;
  bool in_word_ = false;
  bool in_array_ = false;  // inside NAME=( … )

  // The command's words before this one allow an array assignment: none, or a declaration
  // builtin and its options (`local args=(`, `declare -a A=(`, `readonly -a B=(`).
  bool declaration_so_far() const {
    if (cmd_.words.empty()) return true;
    const std::string& lead = cmd_.words[0].text;
    if (lead != "local" && lead != "declare" && lead != "typeset" && lead != "export" &&
        lead != "readonly") {
      return false;
    }
    for (size_t k = 1; k < cmd_.words.size(); ++k) {
      if (!cmd_.words[k].text.starts_with("-")) return false;
    }
    return true;
  }
  RawWord word_;
  RawCommand cmd_;
  SplitResult out_;
  std::vector<std::string> heredoc_delims_;
  bool heredoc_needs_word_ = false;
};

}  // namespace

SplitResult split_commands(std::string_view text, Syntax syntax) {
  return Splitter(text, syntax).run();
}

}  // namespace headroom::lint
