// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "cli/docs.h"

#include <fmt/format.h>

#include <algorithm>

#include "headroom_version.h"

namespace headroom {
namespace {

// --- the tree -------------------------------------------------------------------------------

struct OptionDoc {
  std::string names;    // "-h,--help" or "--free"; a positional's name
  std::string longest;  // "--help"; empty for a positional
  std::string value;    // "SIZE"; empty for a switch
  std::string text;
  bool positional = false;
  bool repeatable = false;
  bool takes_path = false;  // a FILE, PATH or DIR value: complete file names
};

std::vector<OptionDoc> options_of(const CLI::App& app) {
  std::vector<OptionDoc> out;
  for (const CLI::Option* o : app.get_options()) {
    OptionDoc d;
    d.positional = !o->nonpositional();
    d.names = d.positional ? o->get_name(true) : o->get_name(false, true);
    if (!o->get_lnames().empty()) d.longest = "--" + o->get_lnames().front();
    if (o->get_expected_min() != 0 || d.positional) d.value = o->get_type_name();
    d.text = o->get_description();
    d.repeatable = o->get_expected_min() != 0 && o->get_expected_max() > 1;
    d.takes_path = d.value.find("FILE") != std::string::npos ||
                   d.value.find("PATH") != std::string::npos ||
                   d.value.find("DIR") != std::string::npos;
    out.push_back(std::move(d));
  }
  return out;
}

// The text up to the end of its first sentence (or clause, at a colon): a completion's or a NAME
// line's description. "e.g." and "i.e." do not end it; a leading "headroom: " is dropped.
std::string first_sentence(std::string_view text, bool at_colon = true) {
  if (text.starts_with("headroom: ")) text.remove_prefix(10);
  size_t end = text.size();
  for (std::string_view stop : {". ", ".\n", "? ", at_colon ? ": " : ". ", "\n"}) {
    size_t from = 0;
    size_t at = text.find(stop);
    while (at != std::string_view::npos && at >= 3 &&
           (text.substr(at - 3, 4) == "e.g." || text.substr(at - 3, 4) == "i.e.")) {
      from = at + 1;
      at = text.find(stop, from);
    }
    end = std::min(end, at == std::string_view::npos ? text.size() : at + (stop[0] == '?'));
  }
  std::string s(text.substr(0, end));
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// --- roff -----------------------------------------------------------------------------------

// Text for groff: backslashes and dashes escaped, a leading dot or quote defused, anything beyond
// ASCII as a \[uXXXX] glyph (groff reads its input as Latin-1 unless preconv runs first).
std::string roff(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    line_start = c == '\n';
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      // One UTF-8 sequence; a malformed byte is shown as U+FFFD.
      int len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
      uint32_t cp = len == 4 ? c & 0x07u : len == 3 ? c & 0x0fu : c & 0x1fu;
      bool ok = len > 0 && i + static_cast<size_t>(len) <= text.size();
      for (int k = 1; ok && k < len; ++k) {
        const auto cc = static_cast<unsigned char>(text[i + static_cast<size_t>(k)]);
        ok = (cc & 0xc0u) == 0x80u;
        cp = (cp << 6) | (cc & 0x3fu);
      }
      if (!ok) {
        cp = 0xfffd;
        len = 1;
      }
      out += fmt::format("\\[u{:04X}]", cp);
      i += static_cast<size_t>(len) - 1;
    }
  }
  return out;
}

std::string page_name(const CLI::App* sub) {
  return sub == nullptr ? "headroom" : "headroom-" + sub->get_name();
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  return s;
}

void option_items(std::string& out, const std::vector<OptionDoc>& opts, bool positional) {
  for (const OptionDoc& o : opts) {
    if (o.positional != positional) continue;
    out += ".TP\n";
    if (positional) {
      out += fmt::format("\\fI{}\\fR\n", roff(o.names));
    } else {
      out += fmt::format("\\fB{}\\fR", roff(o.names));
      if (!o.value.empty()) out += fmt::format(" \\fI{}\\fR", roff(o.value));
      out += o.repeatable ? " ...\n" : "\n";
    }
    out += roff(o.text) + "\n";
  }
}

const char* kExitStatus =
    ".SH EXIT STATUS\n"
    ".TP\n.B 0\nok (for \\fBrun\\fR: the server's own status when it stops or headroom gives up)\n"
    ".TP\n.B 1\nthe condition was not met: a timeout, too little memory, lint findings\n"
    ".TP\n.B 2\nusage or input error: the message names the file, line and problem\n";

}  // namespace

std::vector<const CLI::App*> visible_subcommands(const CLI::App& root) {
  std::vector<const CLI::App*> out;
  for (const CLI::App* s : root.get_subcommands([](const CLI::App*) { return true; })) {
    if (!s->get_group().empty()) out.push_back(s);
  }
  return out;
}

std::string man_page(const CLI::App& root, const CLI::App* sub) {
  const CLI::App& app = sub != nullptr ? *sub : root;
  const std::string name = page_name(sub);
  std::string out = fmt::format(
      ".\\\" Generated by `headroom man` from the same definitions as --help; do not edit.\n"
      ".TH {} 1 \"\" \"headroom {}\" \"User Commands\"\n",
      upper(name), HEADROOM_VERSION);
  out +=
      fmt::format(".SH NAME\n{} \\- {}\n", roff(name), roff(first_sentence(app.get_description())));
  const std::vector<OptionDoc> opts = options_of(app);
  out += ".SH SYNOPSIS\n";
  if (sub == nullptr) {
    out += "\\fBheadroom\\fR [\\fIOPTIONS\\fR] \\fISUBCOMMAND\\fR [\\fIARGS\\fR]\n";
  } else {
    out += fmt::format("\\fBheadroom {}\\fR [\\fIOPTIONS\\fR]", roff(sub->get_name()));
    for (const OptionDoc& o : opts) {
      if (o.positional) out += fmt::format(" [\\fI{}\\fR]", roff(o.names));
    }
    out += "\n";
  }
  out += ".SH DESCRIPTION\n";
  // Paragraphs as given (the descriptions hold their own line breaks).
  const std::string description = app.get_description();
  std::string_view d = description;
  while (!d.empty()) {
    const size_t nl = std::min(d.find('\n'), d.size());
    if (nl > 0) out += roff(d.substr(0, nl)) + "\n.PP\n";
    d.remove_prefix(std::min(nl + 1, d.size()));
  }
  if (sub == nullptr) {
    out += ".SH COMMANDS\n";
    for (const CLI::App* s : visible_subcommands(root)) {
      out += fmt::format(".TP\n\\fBheadroom {}\\fR (see \\fBheadroom\\-{}\\fR(1))\n{}\n",
                         roff(s->get_name()), roff(s->get_name()),
                         roff(first_sentence(s->get_description())));
    }
  }
  if (std::any_of(opts.begin(), opts.end(), [](const OptionDoc& o) { return o.positional; })) {
    out += ".SH ARGUMENTS\n";
    option_items(out, opts, true);
  }
  out += ".SH OPTIONS\n";
  option_items(out, opts, false);
  if (sub != nullptr) {
    out +=
        ".PP\nThe global option \\fB\\-\\-root\\fR \\fIDIR\\fR is accepted too (see "
        "\\fBheadroom\\fR(1)).\n";
  }
  if (sub != nullptr && (sub->get_name() == "run" || sub->get_name() == "unit")) {
    out +=
        ".SH FILES\n.TP\n.I /etc/headroom/NAME.toml\n"
        "The options of \\fBheadroom run\\fR for the template unit \\fBheadroom@NAME.service\\fR "
        "(\\fB\\-\\-config\\fR): each key a long option without its dashes, "
        "\\fBcommand = [\"docker\", \"run\", ...]\\fR.\n"
        ".TP\n.I /usr/share/doc/headroom/examples/\nExamples: units, TOML files, Kubernetes "
        "manifests.\n";
  }
  out += kExitStatus;
  out += ".SH SEE ALSO\n";
  std::vector<std::string> see;
  if (sub != nullptr) see.push_back("\\fBheadroom\\fR(1)");
  for (const CLI::App* s : visible_subcommands(root)) {
    if (s != sub) see.push_back(fmt::format("\\fBheadroom\\-{}\\fR(1)", roff(s->get_name())));
  }
  see.push_back("\\fBsystemd.service\\fR(5)");
  for (size_t i = 0; i < see.size(); ++i)
    out += see[i] + (i + 1 < see.size() ? ",\n" : "\n");
  return out;
}

// --- completions ----------------------------------------------------------------------------

namespace {

// A word list for bash's compgen -W.
std::string words(const std::vector<std::string>& w) {
  std::string out;
  for (const std::string& s : w)
    out += (out.empty() ? "" : " ") + s;
  return out;
}

std::string single_quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A description on one line, without the characters zsh's _arguments and _describe treat
// specially inside [...] and after ':'.
std::string short_text(std::string_view text, bool zsh) {
  std::string s = first_sentence(text, false);
  if (s.size() > 76) {  // a completion menu's line: cut at a word
    const size_t space = s.rfind(' ', 72);
    s = s.substr(0, space == std::string::npos ? 72 : space) + "...";
  }
  std::string out;
  for (char c : s) {
    if (c == '\n' || c == '\t') c = ' ';
    if (zsh && (c == '[' || c == ']' || c == ':' || c == '\\')) out += '\\';
    out += c;
  }
  return out;
}

std::string bash_script(const CLI::App& root) {
  const auto subs = visible_subcommands(root);
  std::vector<std::string> top;
  for (const CLI::App* s : subs)
    top.push_back(s->get_name());
  std::vector<std::string> global_values;  // global options that take a value
  for (const OptionDoc& o : options_of(root)) {
    if (o.positional) continue;
    top.push_back(o.longest);
    if (!o.value.empty()) global_values.push_back(o.longest);
  }
  std::string out = fmt::format(
      "# bash completion for headroom {}; generated by `headroom completion bash`.\n"
      "_headroom() {{\n"
      "  local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}} sub= i\n"
      "  COMPREPLY=()\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    case ${{COMP_WORDS[i]}} in\n"
      "      --) return 0 ;;  # the server's command line: bash's default completion\n"
      "      {}) ((i++)) ;;\n"
      "      -*) ;;\n"
      "      *) [[ -z $sub ]] && sub=${{COMP_WORDS[i]}} ;;\n"
      "    esac\n"
      "  done\n"
      "  local opts= values= paths=\n"
      "  case $sub in\n"
      "    '') COMPREPLY=($(compgen -W {} -- \"$cur\")); return 0 ;;\n",
      HEADROOM_VERSION, global_values.empty() ? "--root" : words(global_values),
      single_quoted(words(top)));
  for (const CLI::App* s : subs) {
    std::vector<std::string> opts = global_values, values = global_values, paths = global_values;
    for (const OptionDoc& o : options_of(*s)) {
      if (o.positional) continue;
      opts.push_back(o.longest);
      if (!o.value.empty()) values.push_back(o.longest);
      if (o.takes_path) paths.push_back(o.longest);
    }
    out += fmt::format("    {}) opts={} values={} paths={} ;;\n", s->get_name(),
                       single_quoted(words(opts)), single_quoted(words(values)),
                       single_quoted(words(paths)));
  }
  out +=
      "    *) return 0 ;;\n"
      "  esac\n"
      "  # After an option that takes a value: file names for paths, else nothing to offer.\n"
      "  if [[ \" $values \" == *\" $prev \"* ]]; then\n"
      "    [[ \" $paths \" == *\" $prev \"* ]] && COMPREPLY=($(compgen -f -- \"$cur\"))\n"
      "    return 0\n"
      "  fi\n"
      "  [[ $cur == -* ]] && COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
      "  return 0\n"
      "}\n"
      "complete -o default -F _headroom headroom\n";
  return out;
}

std::string zsh_script(const CLI::App& root) {
  const auto subs = visible_subcommands(root);
  std::string out = fmt::format(
      "#compdef headroom\n# zsh completion for headroom {}; generated by `headroom completion "
      "zsh`.\n_headroom() {{\n  local -a commands\n  commands=(\n",
      HEADROOM_VERSION);
  for (const CLI::App* s : subs) {
    out +=
        "    " + single_quoted(s->get_name() + ":" + short_text(s->get_description(), true)) + "\n";
  }
  out +=
      "  )\n"
      "  if (( CURRENT == 2 )); then\n"
      "    _describe -t commands 'headroom command' commands\n"
      "    return\n"
      "  fi\n"
      "  local sub=${words[2]}\n"
      "  shift words\n"
      "  (( CURRENT-- ))\n"
      "  case $sub in\n";
  for (const CLI::App* s : subs) {
    out += fmt::format("    {})\n      _arguments -s \\\n", s->get_name());
    bool has_positional = false;
    for (const OptionDoc& o : options_of(*s)) {
      if (o.positional) {
        has_positional = true;
        continue;
      }
      std::string spec = o.repeatable ? "*" : "";
      spec += o.longest + "[" + short_text(o.text, true) + "]";
      if (!o.value.empty()) spec += ":" + o.value + ":" + (o.takes_path ? "_files" : " ");
      out += "        " + single_quoted(spec) + " \\\n";
    }
    out += has_positional ? "        '*:argument:_files'\n" : "        \n";
    out += "      ;;\n";
  }
  out += "  esac\n}\n_headroom \"$@\"\n";
  return out;
}

std::string fish_script(const CLI::App& root) {
  const auto subs = visible_subcommands(root);
  std::string out =
      fmt::format("# fish completion for headroom {}; generated by `headroom completion fish`.\n",
                  HEADROOM_VERSION);
  for (const CLI::App* s : subs) {
    out += fmt::format("complete -c headroom -n __fish_use_subcommand -f -a {} -d {}\n",
                       s->get_name(), single_quoted(short_text(s->get_description(), false)));
  }
  for (const OptionDoc& o : options_of(root)) {
    if (o.positional || o.longest == "--help") continue;
    out += fmt::format("complete -c headroom -l {}{} -d {}\n", o.longest.substr(2),
                       o.value.empty() ? "" : (o.takes_path ? " -r -F" : " -r"),
                       single_quoted(short_text(o.text, false)));
  }
  for (const CLI::App* s : subs) {
    for (const OptionDoc& o : options_of(*s)) {
      if (o.positional || o.longest == "--help") continue;
      out += fmt::format("complete -c headroom -n '__fish_seen_subcommand_from {}' -l {}{} -d {}\n",
                         s->get_name(), o.longest.substr(2),
                         o.value.empty() ? "" : (o.takes_path ? " -r -F" : " -r"),
                         single_quoted(short_text(o.text, false)));
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> completion_script(const CLI::App& root, std::string_view shell) {
  if (shell == "bash") return bash_script(root);
  if (shell == "zsh") return zsh_script(root);
  if (shell == "fish") return fish_script(root);
  return std::nullopt;
}

}  // namespace headroom
