// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "lint/document.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "core/docker_cli.h"
#include "core/text.h"
#include "lint/shell_values.h"
#include "lint/shell_words.h"
#include "lint/source_map.h"

namespace headroom::lint {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = ascii_lower(c);
  return out;
}

// NAME=value where NAME is a shell identifier.
std::optional<size_t> assignment_eq(std::string_view w) {
  const size_t eq = w.find('=');
  if (eq == 0 || eq == std::string_view::npos) return std::nullopt;
  for (size_t i = 0; i < eq; ++i) {
    const char c = w[i];
    const bool ok =
        c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (i > 0 && is_digit(c));
    if (!ok) return std::nullopt;
  }
  return eq;
}

void assign(Env& env, const Word& w) {
  if (auto eq = assignment_eq(w.text)) {
    env[w.text.substr(0, *eq)] = EnvVar{w.text.substr(*eq + 1), w.span};
  }
}

std::vector<std::string> texts(const std::vector<Word>& words, size_t from = 0) {
  std::vector<std::string> out;
  for (size_t i = from; i < words.size(); ++i)
    out.push_back(words[i].text);
  return out;
}

Span cover(const std::vector<Word>& words, size_t from, size_t to) {
  if (from >= words.size()) return {};
  to = std::min(to, words.size() - 1);
  return Span{words[from].span.begin, words[to].span.end};
}

bool is_python(std::string_view prog) {
  const std::string_view b = path_basename(prog);
  return b == "python" || b.rfind("python3", 0) == 0;
}

// Where a scalar's words sit in the file: a folded or literal block (`command: >` and the flags
// on the lines below it), a plain or quoted string. Each word is looked for in the raw text from
// the scalar's start on, in order; one not found verbatim (an escape in a double-quoted string)
// takes the place of the word before it.
struct RawText {
  std::string_view text;
  SourceMap map;
  bool yaml = false;  // a YAML node's span ends on its first line: yaml_end() finds the rest
  size_t offset_of(Pos p) const {
    size_t line = 1, i = 0;
    while (i < text.size() && line < p.line) {
      if (text[i++] == '\n') ++line;
    }
    return std::min(text.size(), i + (p.col > 0 ? p.col - 1 : 0));
  }
  // Where the text of a YAML scalar that starts at `p` ends: before the first non-blank line
  // indented no deeper than the line it starts on (a block scalar's `command: >` or `- >`, a
  // plain or quoted one continued on the lines below).
  size_t yaml_end(Pos p) const {
    size_t i = offset_of(Pos{p.line, 1});
    const size_t parent = text.find_first_not_of(' ', i) - i;
    i = std::min(text.find('\n', i), text.size());
    while (i < text.size()) {
      const size_t line = i + 1;
      const size_t first = text.find_first_not_of(' ', line);
      if (first == std::string_view::npos) return text.size();
      if (text[first] != '\n' && text[first] != '#' && first - line <= parent) return i;
      i = std::min(text.find('\n', line), text.size());
    }
    return text.size();
  }
  // The end of a word's or a scalar's text, as far as the raw text shows it.
  size_t end_of(Span s) const {
    const size_t end = offset_of(s.end) + 1;
    return yaml ? std::max(end, yaml_end(s.begin)) : end;
  }
};

// A word that can only be a flag: `--shm-size=32g`, `-p`; not a case pattern (`--port)`), not
// quoted (a string that starts with a dash is data).
bool flag_word(const RawWord& w) {
  const std::string& t = w.text;
  if (w.quoted || t.size() < 2 || t[0] != '-') return false;
  const size_t name = t[1] == '-' ? 2 : 1;
  if (name >= t.size() || !std::isalpha(static_cast<unsigned char>(t[name]))) return false;
  return t.find_first_of(")|(") == std::string::npos;
}

// Commands the shell ends at a line break the author meant to continue: a command that starts
// with a flag right after a line break is the rest of the one before (the line before ended in
// a comment, whose `\` is part of the comment, or had no `\`, or came from a YAML block that
// keeps line breaks around more-indented lines). Each is joined to the command before it, so the
// rules read the line as meant, and the first cut of each command is recorded (HR106) at the
// comment when one swallowed the `\`, else at the cut line. Offsets are into `text`; `base`
// maps them to the file (`place`).
void join_cut_lines(SplitResult& split, std::string_view text,
                    const std::function<Span(size_t, size_t)>& place, std::vector<CutLine>& cuts) {
  auto& cmds = split.commands;
  bool cut_before = false;
  int in_case = 0;  // `case $1 in -p|--port) …;; esac`: its patterns are flags on a line's start
  for (size_t i = 1; i < cmds.size();) {
    RawCommand& prev = cmds[i - 1];
    const RawCommand& cur = cmds[i];
    if (!prev.words.empty() && prev.words[0].text == "case" && !prev.words[0].quoted) ++in_case;
    if (!cur.words.empty() && cur.words[0].text == "esac" && in_case > 0) --in_case;
    if (in_case > 0 || prev.words.empty() || cur.words.empty() || !flag_word(cur.words[0])) {
      cut_before = false;
      ++i;
      continue;
    }
    const size_t from = prev.words.back().end, to = cur.words[0].begin;
    const std::string_view between = text.substr(from, to > from ? to - from : 0);
    const size_t hash = between.find('#');
    // Only a line break ends it: `cmd; --x` and `a && --x` are written so.
    if (between.find('\n') == std::string_view::npos ||
        between.substr(0, hash).find_first_of(";&|") != std::string_view::npos) {
      cut_before = false;
      ++i;
      continue;
    }
    if (!cut_before) {
      CutLine c;
      c.flag = cur.words[0].text;
      c.offset = to;
      c.comment = hash != std::string_view::npos;
      if (c.comment) {
        const size_t eol = std::min(between.find('\n', hash), between.size());
        c.span = place(from + hash, from + eol);
      } else {
        c.span = place(cur.words[0].begin, cur.words[0].end);
      }
      cuts.push_back(std::move(c));
    }
    cut_before = true;
    prev.words.insert(prev.words.end(), cur.words.begin(), cur.words.end());
    cmds.erase(cmds.begin() + static_cast<long>(i));
  }
}

class Builder {
 public:
  // `raw`: the file's text, to place the words of a `bash -c '…'` string on their own lines.
  explicit Builder(Document& doc, const RawText* raw = nullptr) : doc_(doc), raw_(raw) {}

  std::optional<InputError> error;
  bool strict_docker = false;  // argv mode: a broken docker line is an input error
  bool variant = false;        // what is built is a variant (Container::variant)

  // One simple command with its words; `env` is what it inherits. Strips the wrappers
  // (assignments, sudo, exec, env, nohup…), then looks for docker run, a server, or a shell -c.
  void command(std::vector<Word> words, Env env, uint32_t stmt_line, const std::string& exec_key,
               int depth = 0) {
    size_t i = 0;
    while (i < words.size()) {
      const std::string_view w = words[i].text;
      const std::string_view b = path_basename(w);
      if (assignment_eq(w)) {
        assign(env, words[i]);
        ++i;
      } else if (b == "sudo") {
        ++i;
        while (i < words.size() && words[i].text.size() > 1 && words[i].text[0] == '-') {
          const bool takes = words[i].text == "-u" || words[i].text == "-g";
          i += takes ? 2 : 1;
        }
      } else if (b == "env") {
        ++i;
        while (i < words.size() && words[i].text.size() > 1 && words[i].text[0] == '-')
          ++i;
      } else if (w == "eval" && i + 2 == words.size()) {
        // eval "$CMD": the one string read as a command line, its words at the string.
        SplitResult split = split_commands(words[i + 1].text, Syntax::shell);
        if (split.error || depth > 2) return;
        for (RawCommand& rc : split.commands) {
          std::vector<Word> inner;
          for (RawWord& rw : rc.words)
            inner.push_back(Word{std::move(rw.text), words[i + 1].span});
          command(std::move(inner), env, stmt_line, exec_key, depth + 1);
        }
        return;
      } else if (b == "exec" || b == "nohup" || b == "time" || b == "command" || w == "eval" ||
                 w == "then" || w == "do" || w == "else" || w == "{" || w == "!" || w == "if" ||
                 w == "while" || w == "until" || w == "elif") {
        ++i;  // a one-line `if …; then docker run …; fi`: the command after the keyword
      } else if (w.rfind("Exec", 0) == 0 && w.find('=') != std::string_view::npos &&
                 doc_.kind == Kind::shell) {
        // An `ExecStart=docker run …` line pasted into a script or a snippet.
        std::string rest(w.substr(w.find('=') + 1));
        rest.erase(0, std::min(rest.find_first_not_of("-@:+!|"), rest.size()));
        if (rest.empty()) {
          ++i;
        } else {
          words[i].text = rest;
        }
        if (rest.empty()) continue;
        break;
      } else {
        break;
      }
    }
    words.erase(words.begin(), words.begin() + static_cast<long>(i));
    if (words.empty()) return;
    std::vector<std::string> argv = texts(words);
    // docker create takes run's flags and makes the same container (started later).
    if (path_basename(argv[0]) == "docker") {
      for (size_t k = 1; k < argv.size() && k < 3; ++k) {
        if (argv[k] == "create") {
          argv[k] = "run";
          words[k].text = "run";
          break;
        }
        if (!argv[k].starts_with("-") && argv[k] != "container") break;
      }
    }
    if (is_docker_run(argv)) return docker(words, argv, stmt_line, exec_key, depth);
    // headroom run [options] -- CMD…: lint the command it supervises. It is headroom's child,
    // not the unit's: headroom stops and removes the container itself, so the unit rules about
    // ExecStart= running docker (HR205-HR208) do not apply to it.
    if (path_basename(argv[0]) == "headroom" && argv.size() > 2 && argv[1] == "run") {
      auto dd = std::find(argv.begin(), argv.end(), "--");
      if (dd != argv.end()) {
        const auto at = static_cast<long>(dd - argv.begin()) + 1;
        command(std::vector<Word>(words.begin() + at, words.end()), std::move(env), stmt_line, "",
                depth);
      }
      return;
    }
    if (auto s = find_server(argv)) {
      server(words, *s, std::move(env), stmt_line, false);
      return;
    }
    shell_c(words, env, stmt_line, exec_key, depth);
  }

  // The container's command: a server line, the arguments of an image whose entrypoint is the
  // server (vllm/vllm-openai: `vllm serve`), or bash -c "…". `name` is what the container goes
  // by besides its image (a compose service's name and build context), for the engine.
  void container_command(Container& c, std::vector<Word> cmd, Env env, uint32_t stmt_line,
                         int depth, std::string_view name = {}) {
    const std::string image = lower(c.image);
    const std::vector<std::string> argv = texts(cmd);
    const ImageInfo* info = c.image.empty() ? nullptr : find_image(c.image);
    std::optional<ServerStart> s = find_server(argv);
    if (!s && !c.entrypoint && info != nullptr && info->entrypoint_is_server &&
        (info->engine == EngineId::kVllm || info->engine == EngineId::kSglang)) {
      // The words after the image are the server's own: `vllm/vllm-openai MODEL --flags`.
      s = ServerStart{info->engine == EngineId::kVllm ? Engine::vllm : Engine::sglang, 0};
    }
    if (!s && !cmd.empty() && depth <= 2) {
      const std::string_view prog = path_basename(argv[0]);
      if (prog == "bash" || prog == "sh") {
        const size_t before = doc_.servers.size();
        shell_c(cmd, env, stmt_line, "", depth + 1);
        for (size_t k = before; k < doc_.servers.size(); ++k) {
          doc_.servers[k].env = env;  // the container's environment, not the host's
          doc_.servers[k].in_container = true;
          c.server_index = k;
        }
      }
    }
    if (!s && !c.server_index && !c.entrypoint && info == nullptr &&
        image.find("vllm") != std::string::npos) {
      // An image built on vLLM's: its entrypoint is `vllm serve` (the flags follow the image), or
      // `vllm` (ENTRYPOINT ["vllm"]: `serve MODEL --flags`).
      if (cmd.empty() || argv[0].rfind("-", 0) == 0) s = ServerStart{Engine::vllm, 0};
      if (!cmd.empty() && argv[0] == "serve") s = ServerStart{Engine::vllm, 1};
    }
    if (s) {
      if (cmd.empty()) cmd.push_back(Word{c.image, c.span});
      server(cmd, *s, std::move(env), stmt_line, true);
      c.server_index = doc_.servers.size() - 1;
    }
    // The engine: the server found, the command (core's table: llama-server, ollama serve,
    // trtllm-serve too), the image's entrypoint, else the names. A given entrypoint that runs
    // no server (--entrypoint /bin/bash -it, python3 -c "download…") is not one.
    if (c.server_index) {
      c.engine = doc_.servers[*c.server_index].engine == Engine::vllm ? EngineId::kVllm
                                                                      : EngineId::kSglang;
    } else if (auto call = find_engine(argv)) {
      c.engine = call->id;
    } else if (auto inner = engine_in_shell_c(argv)) {
      c.engine = inner;  // sh -c "sleep 15 && ollama serve"
    } else if (!c.entrypoint && info != nullptr && (info->entrypoint_is_server || cmd.empty())) {
      c.engine = info->engine;
    } else if ((!c.entrypoint || runs_script(argv)) &&
               (cmd.empty() || argv[0].rfind("-", 0) == 0 || runs_script(argv))) {
      // A build: service by its context and Dockerfile; an image not in the table by its
      // repository (SGLang and vLLM as before; the other engines' names on a GPU container).
      if (!name.empty()) c.engine = engine_by_name(lower(std::string(name)));
      if (auto e = engine_by_name(lower(image_repository(c.image)));
          !c.engine && !c.image.empty() &&
          (e == EngineId::kSglang || e == EngineId::kVllm || c.gpu)) {
        c.engine = e;  // for the others only a GPU container: agentic/ollama-gate is a proxy
      }
    }
    c.server = c.engine == EngineId::kSglang || c.engine == EngineId::kVllm;
  }

  // `bash /app/launch_server.sh` (an entrypoint that runs a launcher script, which this cannot
  // read): the container may still be named for what it serves.
  static bool runs_script(const std::vector<std::string>& argv) {
    if (argv.size() < 2) return false;
    const std::string_view prog = path_basename(argv[0]);
    if (prog != "bash" && prog != "sh" && prog != "dash") return false;
    size_t i = 1;
    while (i < argv.size() && argv[i].starts_with("-")) {
      if (argv[i].find('c') != std::string::npos && !argv[i].starts_with("--")) return false;
      ++i;
    }
    return i < argv.size();
  }

  // The engine a `sh -c "…"` / `bash -c "…"` script starts, by core's table.
  static std::optional<EngineId> engine_in_shell_c(const std::vector<std::string>& argv) {
    if (argv.empty()) return std::nullopt;
    const std::string_view prog = path_basename(argv[0]);
    if (prog != "bash" && prog != "sh" && prog != "dash") return std::nullopt;
    for (size_t i = 1; i + 1 < argv.size(); ++i) {
      const std::string& f = argv[i];
      if (f.size() < 2 || f[0] != '-' || f[1] == '-' || f.find('c') == std::string::npos) continue;
      SplitResult split = split_commands(argv[i + 1], Syntax::shell);
      if (split.error) return std::nullopt;
      for (const RawCommand& rc : split.commands) {
        std::vector<std::string> inner;
        for (const RawWord& w : rc.words)
          inner.push_back(w.text);
        if (auto call = find_engine(inner)) return call->id;
      }
      return std::nullopt;
    }
    return std::nullopt;
  }

  // An engine by the words an image or a service goes by (dustynv/llama_cpp, ./services/vllm).
  static std::optional<EngineId> engine_by_name(const std::string& n) {
    const auto has = [&](std::string_view w) { return n.find(w) != std::string::npos; };
    if (has("sglang")) return EngineId::kSglang;
    if (has("vllm")) return EngineId::kVllm;
    if (has("ollama")) return EngineId::kOllama;
    if (has("llama.cpp") || has("llama-cpp") || has("llama_cpp") || has("llamacpp") ||
        has("llama-server")) {
      return EngineId::kLlamaCpp;
    }
    if (has("trtllm") || has("tensorrt-llm") || has("tensorrt_llm")) return EngineId::kTrtLlm;
    return std::nullopt;
  }

  void server(const std::vector<Word>& words, ServerStart s, Env env, uint32_t stmt_line,
              bool in_container) {
    ServerCall call;
    call.engine = s.engine;
    call.args.assign(words.begin() + static_cast<long>(std::min(s.first_arg, words.size())),
                     words.end());
    call.span = cover(words, 0, s.first_arg > 0 ? s.first_arg - 1 : 0);
    call.stmt_line = stmt_line;
    call.env = std::move(env);
    call.in_container = in_container;
    call.variant = variant;
    doc_.servers.push_back(std::move(call));
  }

 private:
  // bash -c "python3 -m sglang.launch_server …": the string's commands, each word placed at the
  // string (its inner columns are not tracked).
  void shell_c(const std::vector<Word>& words, const Env& env, uint32_t stmt_line,
               const std::string& exec_key, int depth) {
    const std::string_view prog = path_basename(words[0].text);
    if (depth > 2 || (prog != "bash" && prog != "sh" && prog != "dash" && prog != "zsh")) return;
    for (size_t i = 1; i + 1 < words.size(); ++i) {
      const std::string& f = words[i].text;
      if (f.size() < 2 || f[0] != '-' || f.find('c') == std::string::npos || f[1] == '-') continue;
      const Word& script = words[i + 1];
      SplitResult split = split_commands(script.text, Syntax::shell);
      if (split.error) return;
      const size_t first_cut = doc_.cuts.size();
      join_cut_lines(
          split, script.text, [&](size_t, size_t) { return script.span; }, doc_.cuts);
      // Each word where the file has it, looked for in order inside the string's own text;
      // one not found verbatim (an escape) stays at the string's start. A cut line is placed
      // at its first flag.
      size_t cursor = raw_ != nullptr ? raw_->offset_of(script.span.begin) : 0;
      const size_t limit = raw_ != nullptr ? raw_->end_of(script.span) : 0;
      for (RawCommand& rc : split.commands) {
        std::vector<Word> inner;
        for (RawWord& rw : rc.words) {
          Span at = script.span;
          if (raw_ != nullptr && !rw.text.empty()) {
            const size_t found = raw_->text.find(rw.text, cursor);
            if (found != std::string_view::npos && found + rw.text.size() <= limit) {
              at = raw_->map.span(found, found + rw.text.size());
              cursor = found + rw.text.size();
            }
          }
          for (size_t k = first_cut; k < doc_.cuts.size(); ++k) {
            if (doc_.cuts[k].offset == rw.begin) doc_.cuts[k].span = at;
          }
          inner.push_back(Word{std::move(rw.text), at});
        }
        command(std::move(inner), env, stmt_line, exec_key, depth + 1);
      }
      return;
    }
  }

  void docker(const std::vector<Word>& given, const std::vector<std::string>& given_argv,
              uint32_t stmt_line, const std::string& exec_key, int depth) {
    // `docker run $EXTRA_ARGS --rm IMAGE`: a variable the file never sets, where docker reads its
    // flags, is not the image; it is read past (it holds flags, or nothing).
    std::vector<Word> words = given;
    std::vector<std::string> argv = given_argv;
    auto parsed = parse_docker_run(argv);
    for (int tries = 0; tries < 8 && parsed && parsed->image_index < words.size() &&
                        words[parsed->image_index].unresolved;
         ++tries) {
      words.erase(words.begin() + static_cast<long>(parsed->image_index));
      argv.erase(argv.begin() + static_cast<long>(parsed->image_index));
      parsed = parse_docker_run(argv);
    }
    if (!parsed) {
      if (strict_docker && !error) error = InputError{words[0].span.begin, parsed.error().message};
      return;
    }
    const DockerRunLine& run = *parsed;
    Container c;
    c.span = cover(words, 0, run.image_index);
    c.stmt_line = stmt_line;
    c.image = run.image;
    c.exec_key = exec_key;
    auto setting = [&](std::string_view name, bool boolean) -> std::optional<Setting> {
      const DockerFlag* f = run.find(name);
      if (f == nullptr || (boolean && !run.enabled(name))) return std::nullopt;
      const bool split_value = f->takes_value && f->spelled.find('=') == std::string::npos &&
                               f->spelled.size() > 2 && f->spelled[1] == '-';
      return Setting{f->value, cover(words, f->index, f->index + (split_value ? 1 : 0))};
    };
    c.rm = setting("--rm", true);
    for (const DockerFlag& f : run.flags) {
      c.gpu |= f.name == "--gpus" || (f.name == "--runtime" && f.value == "nvidia") ||
               (f.name == "--device" && f.value.find("nvidia") != std::string::npos);
    }
    c.detach = setting("--detach", true);
    c.restart = setting("--restart", false);
    c.ipc = setting("--ipc", false);
    c.shm_size = setting("--shm-size", false);
    c.name = setting("--name", false);
    c.memory = setting("--memory", false);
    c.healthcheck = setting("--health-cmd", false);
    c.published = run.find("--publish") != nullptr || run.enabled("--publish-all");
    if (const DockerFlag* net = run.find("--network")) c.network_host = net->value == "host";
    for (const DockerUnknownFlag& u : run.unknown) {
      c.misplaced.push_back(Word{u.spelled, words[u.index].span});
    }
    Env env;
    for (const DockerFlag& f : run.flags) {
      if (f.name != "--env") continue;
      const Span sp = words[f.index].span;
      if (auto eq = assignment_eq(f.value)) {
        env[f.value.substr(0, *eq)] = EnvVar{f.value.substr(*eq + 1), sp};
      } else if (!f.value.empty()) {
        env[f.value] = EnvVar{std::nullopt, sp};
      }
    }
    std::vector<Word> cmd(words.begin() + static_cast<long>(run.image_index) + 1, words.end());
    if (const DockerFlag* ep = run.find("--entrypoint")) {
      c.entrypoint = true;  // the image's entrypoint does not run: this one does, with the words
      cmd.insert(cmd.begin(), Word{ep->value, words[ep->index].span});
    }
    c.variant = variant;
    container_command(c, std::move(cmd), std::move(env), stmt_line, depth);
    doc_.containers.push_back(std::move(c));
  }

  Document& doc_;
  const RawText* raw_ = nullptr;
};

// ---- the four readers

// The directory of the script a sourced path names, as scripts write it: `$(dirname "$0")/x`,
// `$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/x` (through a variable or not),
// `${BASH_SOURCE%/*}/x`, or a plain relative `x` / `./x`. The relative name, or why it cannot be
// read here.
struct Beside {
  std::string relative;
  std::string why;  // non-empty: not read
};
Beside sourced_path(std::string_view p) {
  if (p.starts_with("/")) return {"", "an absolute path: the file on the machine that runs it"};
  std::string_view rest = p;
  if (p.starts_with("$(")) {
    size_t depth = 0, end = 1;
    for (; end < p.size(); ++end) {
      if (p[end] == '(') ++depth;
      if (p[end] == ')' && --depth == 0) break;
    }
    const std::string_view inner = p.substr(0, std::min(end, p.size()));
    const bool script_dir = inner.find("dirname") != std::string_view::npos &&
                            (inner.find("$0") != std::string_view::npos ||
                             inner.find("BASH_SOURCE") != std::string_view::npos);
    if (!script_dir || end + 1 >= p.size() || p[end + 1] != '/') {
      return {"", "a path a command computes"};
    }
    rest = p.substr(end + 2);
  } else {
    for (std::string_view dir : {"${BASH_SOURCE%/*}/", "${0%/*}/"}) {
      if (p.starts_with(dir)) rest = p.substr(dir.size());
    }
  }
  while (rest.starts_with("./"))
    rest.remove_prefix(2);
  if (rest.empty() || rest.find('$') != std::string_view::npos || rest.find('`') != rest.npos) {
    return {"", "a path a variable from outside the file gives"};
  }
  return {std::string(rest), ""};
}

// The ways through a script read_shell follows at most (one set of variables each).
constexpr size_t kShellWays = 8;

// An if/elif/else block being read: the variables on entry (each branch starts from them) and
// those at the end of the branches read so far.
struct ShellBranch {
  std::vector<ShellVars> entry, done;
  bool has_else = false;
};

void merge_ways(std::vector<ShellVars>& into, const std::vector<ShellVars>& from) {
  for (const ShellVars& w : from) {
    const bool seen =
        std::any_of(into.begin(), into.end(), [&](const ShellVars& v) { return v.same_as(w); });
    if (!seen && into.size() < kShellWays) into.push_back(w);
  }
}

// if / elif / else / fi (the command's first word k): a set of variables per branch.
void follow_branch(std::string_view k, std::vector<ShellBranch>& frames,
                   std::vector<ShellVars>& ways) {
  if (k == "if") {
    frames.push_back(ShellBranch{ways, {}, false});
  } else if ((k == "elif" || k == "else") && !frames.empty()) {
    merge_ways(frames.back().done, ways);
    ways = frames.back().entry;
    frames.back().has_else |= k == "else";
  } else if (k == "fi" && !frames.empty()) {
    ShellBranch f = std::move(frames.back());
    frames.pop_back();
    merge_ways(f.done, ways);
    if (!f.has_else) merge_ways(f.done, f.entry);  // no branch taken
    ways = std::move(f.done);
  }
}

// `source FILE` / `. FILE`: its assignments, when it is beside the script and readable; where it
// is not, an Outside for HR001. False: rc is another command.
bool read_sourced(Document& doc, const SourceMap& map, const ReadBeside& read_beside,
                  const RawCommand& rc, std::vector<ShellVars>& ways) {
  if (rc.words.size() < 2 || (rc.words[0].text != "source" && rc.words[0].text != ".")) {
    return false;
  }
  const std::string path = ways[0].substitute(rc.words[1].text);
  const Beside beside = sourced_path(path);
  std::optional<std::string> content;
  std::string why = beside.why;
  const std::string dir(path_directory(doc.file));
  const std::string joined = dir + beside.relative;
  if (why.empty()) {
    if (read_beside) content = read_beside(joined);
    if (!content) why = "not found beside the script";
  }
  if (content && content->find('\0') == std::string::npos) {
    for (ShellVars& vars : ways)
      vars.assign_sourced(*content, joined);
    return true;
  }
  if (why.empty()) why = "binary data";
  doc.outside.push_back(Outside{map.span(rc.words[0].begin, rc.words[1].end),
                                fmt::format("{} {}", rc.words[0].text, rc.words[1].text), why,
                                beside.why.empty()});
  return true;
}

// A script, read along each way through its if/elif/else blocks: one set of variables per
// branch (up to kShellWays), so that a server line after `fi` is linted with each branch's values
// (VLLM_GPU_MEMORY_UTIL=0.9 in the first branch, 0.7 in the others), the first branch's being
// the line itself and the others its variants (Container::variant). Loops are read once, in file
// order. `source FILE` beside the script is read for its assignments.
std::optional<InputError> read_shell(Document& doc, std::string_view text,
                                     const ReadBeside& read_beside) {
  SplitResult split = split_commands(text, Syntax::shell);
  const SourceMap map = SourceMap::of_text(text);
  if (split.error) return InputError{map.at(split.error->offset), split.error->message};
  join_cut_lines(
      split, text, [&](size_t a, size_t b) { return map.span(a, b); }, doc.cuts);
  const RawText file{text, map};
  Builder b(doc, &file);
  Env exported;
  std::vector<ShellVars> ways{ShellVars(text, map)};
  std::vector<ShellBranch> frames;
  // Runs a command's words (each way's, where they differ) through the builder.
  const auto run = [&](const RawCommand& rc) {
    std::vector<std::vector<Word>> seen;
    for (const ShellVars& vars : ways) {
      std::vector<Word> words = vars.expand(rc);
      if (words.empty()) continue;
      const bool same = std::any_of(seen.begin(), seen.end(), [&](const std::vector<Word>& o) {
        return std::equal(o.begin(), o.end(), words.begin(), words.end(),
                          [](const Word& a, const Word& c) { return a.text == c.text; });
      });
      if (same) continue;
      for (const Word& w : words)
        if (w.origin) doc.traced.push_back(w);
      b.variant = !seen.empty();
      seen.push_back(words);
      const uint32_t stmt = words[0].span.begin.line;
      b.command(std::move(words), exported, stmt, "");
    }
    b.variant = false;
  };
  // $( … ) inside a word (CID=$(docker run -d …)): its commands are linted too, placed in the
  // file (one level deep).
  const auto substitutions = [&](const RawCommand& rc) {
    for (const RawWord& w : rc.words) {
      const std::string_view raw = text.substr(w.begin, w.end - w.begin);
      for (size_t at = raw.find("$("); at != std::string_view::npos; at = raw.find("$(", at + 2)) {
        size_t depth = 0, end = at + 1;
        for (; end < raw.size(); ++end) {
          if (raw[end] == '(') ++depth;
          if (raw[end] == ')' && --depth == 0) break;
        }
        if (end >= raw.size()) break;
        const size_t base = w.begin + at + 2;
        SplitResult inner = split_commands(text.substr(base, end - at - 2), Syntax::shell);
        if (inner.error) continue;
        for (RawCommand& ic : inner.commands) {
          for (RawWord& iw : ic.words) {
            iw.begin += base;
            iw.end += base;
          }
          run(ic);
        }
      }
    }
  };
  for (RawCommand& rc : split.commands) {
    substitutions(rc);
    // if / elif / else / fi: a set of variables per branch; then / do open a body.
    const std::string_view k = rc.words[0].text;
    follow_branch(k, frames, ways);
    if (k == "if" || k == "elif" || k == "else" || k == "fi" || k == "then" || k == "do") {
      rc.words.erase(rc.words.begin());
      if (rc.words.empty()) continue;
    }
    if (read_sourced(doc, map, read_beside, rc, ways)) continue;
    const bool export_line = rc.words[0].text == "export" || rc.words[0].text == "declare";
    bool assigned = false;
    for (ShellVars& vars : ways)
      assigned = vars.assign(rc);
    if (assigned && !export_line) continue;  // NAME=value: the script's own variable
    if (export_line) {
      std::vector<Word> words = ways[0].expand(rc);
      for (size_t i = 1; i < words.size(); ++i)
        assign(exported, words[i]);
      continue;
    }
    run(rc);
  }
  return std::nullopt;
}

std::optional<InputError> read_unit(Document& doc, std::string_view text) {
  UnitParse parsed = parse_unit(text);
  if (parsed.error) return parsed.error;
  doc.unit = std::move(parsed.unit);
  Env env;
  for (const UnitEntry* e : doc.unit->all("Service", "Environment")) {
    ExecParse words = parse_exec(*e);
    if (words.error) return words.error;
    for (const ExecCommand& c : words.commands) {
      for (size_t i = 0; i < c.argv.size(); ++i)
        assign(env, Word{c.argv[i], c.spans[i]});
    }
  }
  const RawText raw{text, SourceMap::of_text(text)};
  Builder b(doc, &raw);
  for (const char* key : {"ExecCondition", "ExecStartPre", "ExecStart", "ExecStartPost",
                          "ExecReload", "ExecStop", "ExecStopPost"}) {
    for (const UnitEntry* e : doc.unit->all("Service", key)) {
      ExecParse parsed_exec = parse_exec(*e);
      if (parsed_exec.error) return parsed_exec.error;
      for (ExecCommand& c : parsed_exec.commands) {
        if (std::string_view(key) == "ExecStart") {
          std::vector<Word> words;
          for (size_t i = 0; i < c.argv.size(); ++i)
            words.push_back(Word{c.argv[i], c.spans[i]});
          b.command(std::move(words), env, e->line, key);
        }
        doc.execs.push_back(UnitExec{key, e->line, std::move(c)});
      }
    }
  }
  return std::nullopt;
}

// Where a YAML node is. A node of another file (a service `extends:` from it, read as a copy,
// whose positions are all 0) has none: spans of it are given the `extends:` line instead.
Span node_span(const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  if (m.line < 0 || (m.line == 0 && m.column == 0 && m.pos == 0)) return {};
  const Pos begin{static_cast<uint32_t>(m.line) + 1, static_cast<uint32_t>(m.column) + 1};
  const size_t len = n.IsScalar() ? std::max<size_t>(n.Scalar().size(), 1) : 1;
  return Span{begin, Pos{begin.line, begin.col + static_cast<uint32_t>(len) - 1}};
}

// One compose file as compose reads it: interpolation (compose-spec "Interpolation":
// ${VAR:-default}, ${VAR-default}, $$ a literal $) from the `.env` beside it, else the defaults
// (the environment compose would read is not here; a value with no default stays as written: it
// comes from outside the file); a service's keys through YAML merge keys and `extends:` (of this
// file, or `file:` beside it).
class ComposeFile {
 public:
  ComposeFile(Document& doc, const ReadBeside& read_beside)
      : doc_(doc), read_beside_(read_beside), dir_(path_directory(doc.file)) {
    if (!read_beside_) return;
    if (auto env = read_beside_(dir_ + ".env"); env && env->find('\0') == std::string::npos) {
      env_.assign_sourced(*env, dir_ + ".env");
    }
  }

  std::optional<InputError> read(std::string_view text);

 private:
  std::string interpolate(const std::string& s) const {
    if (s.find('$') == std::string::npos) return s;
    // "$$" is a literal "$": the text between them is interpolated, each on its own.
    std::string out;
    for (size_t at = 0;;) {
      const size_t escape = s.find("$$", at);
      out += env_.substitute(std::string_view(s).substr(at, escape - at));
      if (escape == std::string::npos) break;
      out += '$';
      at = escape + 2;
    }
    return out;
  }

  Span node_span(const YAML::Node& n) const {
    const Span s = lint::node_span(n);
    return s.begin.line == 0 ? foreign_at_ : s;
  }

  std::optional<Setting> scalar(const YAML::Node& n) const {
    if (!n || !n.IsScalar()) return std::nullopt;
    return Setting{interpolate(n.Scalar()), node_span(n)};
  }

  // A word written with a reference the .env resolves: where it was set (a finding on it names
  // the place).
  Word traced(Word w, std::string_view written) {
    if (auto o = env_.origin_of(written); o && !o->file.empty()) {
      w.origin = o;
      doc_.traced.push_back(w);
    }
    return w;
  }

  // A compose command/entrypoint: a string (split like a shell line) or a list.
  std::optional<InputError> compose_words(const YAML::Node& n, std::vector<Word>& out,
                                          const RawText* raw = nullptr) {
    if (!n || n.IsNull()) return std::nullopt;
    if (n.IsSequence()) {
      for (const YAML::Node& item : n) {
        if (!item.IsScalar()) return InputError{node_span(item).begin, "expected a string"};
        out.push_back(traced(Word{interpolate(item.Scalar()), node_span(item)}, item.Scalar()));
      }
      return std::nullopt;
    }
    if (!n.IsScalar()) return InputError{node_span(n).begin, "expected a string or a list"};
    SplitResult split = split_commands(interpolate(n.Scalar()), Syntax::shell);
    if (split.error) return InputError{node_span(n).begin, split.error->message};
    const Span whole = node_span(n);
    const bool here = lint::node_span(n).begin.line != 0;
    size_t cursor = raw != nullptr && here ? raw->offset_of(whole.begin) : 0;
    Span last = whole;
    for (RawCommand& rc : split.commands) {
      for (RawWord& w : rc.words) {
        Span at = last;
        std::string_view written = w.text;
        if (raw != nullptr && here && !w.text.empty()) {
          const size_t found = raw->text.find(w.text, cursor);
          if (found != std::string_view::npos) {
            at = raw->map.span(found, found + w.text.size());
            cursor = found + w.text.size();
          } else if (const size_t ref = raw->text.find('$', cursor);
                     ref != std::string_view::npos) {
            // A value the .env gave: at its reference, when that is what it reads.
            const size_t stop =
                std::min(raw->text.find_first_of(" \t\n\"'", ref), raw->text.size());
            if (interpolate(std::string(raw->text.substr(ref, stop - ref))) == w.text) {
              written = raw->text.substr(ref, stop - ref);
              at = raw->map.span(ref, stop);
              cursor = stop;
            }
          }
        }
        last = at;
        out.push_back(traced(Word{std::move(w.text), at}, written));
      }
    }
    return std::nullopt;
  }

  // A service's key, or where the service has none, the key of the maps it merges (`<<: *base`,
  // YAML's merge key, which yaml-cpp leaves as a plain key; a sequence of maps merges the first
  // that has it, as the merge-key spec orders them), then of the service it extends.
  YAML::Node field(const YAML::Node& svc, const char* key, int depth = 0) {
    const YAML::Node none(YAML::NodeType::Undefined);  // YAML::Node() is a defined null: truthy
    if (depth > 8) return none;
    if (const YAML::Node own = svc[key]) return own;
    if (const YAML::Node merged = svc["<<"]; merged && merged.IsMap()) {
      if (const YAML::Node v = field(merged, key, depth + 1)) return v;
    } else if (merged && merged.IsSequence()) {
      for (const YAML::Node& m : merged) {
        if (!m.IsMap()) continue;
        if (const YAML::Node v = field(m, key, depth + 1)) return v;
      }
    }
    if (const auto base = extended(svc)) return field(*base, key, depth + 1);
    return none;
  }

  // `extends: base` / `extends: {service: base}` / `extends: {file: common.yml, service: base}`.
  std::optional<YAML::Node> extended(const YAML::Node& svc) {
    const YAML::Node e = svc["extends"];
    if (!e) return std::nullopt;
    std::string service, file;
    if (e.IsScalar()) service = e.Scalar();
    if (e.IsMap()) {
      if (const YAML::Node n = e["service"]; n && n.IsScalar()) service = n.Scalar();
      if (const YAML::Node n = e["file"]; n && n.IsScalar()) file = n.Scalar();
    }
    if (service.empty()) return std::nullopt;
    YAML::Node services(YAML::NodeType::Undefined);
    if (file.empty()) {
      services.reset(services_);
    } else {
      services.reset(other(file)["services"]);
    }
    if (!services.IsMap()) return std::nullopt;
    const YAML::Node& all = services;
    const YAML::Node base = all[service];
    if (!base || !base.IsMap()) return std::nullopt;
    return base;
  }

  // Another compose file beside this one, as a copy whose nodes have no position here.
  YAML::Node other(const std::string& file) {
    auto it = others_.find(file);
    if (it != others_.end()) return it->second;
    YAML::Node root(YAML::NodeType::Undefined);
    if (read_beside_ && !file.starts_with("/")) {
      if (auto text = read_beside_(dir_ + file)) {
        try {
          root.reset(YAML::Clone(YAML::Load(*text)));
        } catch (const YAML::Exception&) {
          root.reset(YAML::Node(YAML::NodeType::Undefined));
        }
      }
    }
    return others_.emplace(file, root).first->second;
  }

  // gpus:, runtime: nvidia, or a deploy.resources.reservations.devices entry of the nvidia
  // driver or the gpu capability.
  bool wants_gpu(const YAML::Node& svc) {
    bool gpu = field(svc, "gpus") ||
               (scalar(field(svc, "runtime")) && scalar(field(svc, "runtime"))->value == "nvidia");
    YAML::Node devices;
    devices.reset(field(svc, "deploy"));  // reset() rebinds; operator= would write into it
    for (const char* k : {"resources", "reservations", "devices"}) {
      // operator[] of a missing key is an invalid node that throws when indexed further.
      const YAML::Node next = devices.IsMap() && devices[k] ? devices[k] : YAML::Node();
      devices.reset(next);
    }
    if (devices.IsSequence()) {
      for (const YAML::Node& d : devices) {
        if (!d.IsMap()) continue;
        const auto driver = scalar(d["driver"]);
        gpu |= driver && driver->value == "nvidia";
        if (const YAML::Node caps = d["capabilities"]; caps && caps.IsSequence()) {
          for (const YAML::Node& cap : caps)
            gpu |= cap.IsScalar() && cap.Scalar() == "gpu";
        }
      }
    }
    return gpu;
  }

  // environment: as a map (NAME: value) or a list (NAME=value, or NAME alone: from outside).
  Env environment(const YAML::Node& svc) {
    Env env;
    const YAML::Node environment = field(svc, "environment");
    if (environment && environment.IsMap()) {
      for (const auto& e : environment) {
        std::optional<std::string> v;
        if (e.second && !e.second.IsNull() && e.second.IsScalar()) v = e.second.Scalar();
        env[e.first.as<std::string>()] = EnvVar{v, node_span(e.first)};
      }
    } else if (environment && environment.IsSequence()) {
      for (const YAML::Node& e : environment) {
        if (!e.IsScalar()) continue;
        const std::string& s = e.Scalar();
        if (auto eq = assignment_eq(s)) {
          env[s.substr(0, *eq)] = EnvVar{s.substr(*eq + 1), node_span(e)};
        } else {
          env[s] = EnvVar{std::nullopt, node_span(e)};
        }
      }
    }
    return env;
  }

  Document& doc_;
  const ReadBeside& read_beside_;
  std::string dir_;
  const SourceMap no_text_ = SourceMap::of_text("");
  ShellVars env_{"", no_text_};
  YAML::Node services_{YAML::NodeType::Undefined};
  std::map<std::string, YAML::Node> others_;
  Span foreign_at_;  // the `extends:` line of the service being read
};

std::optional<InputError> ComposeFile::read(std::string_view text) {
  Document& doc = doc_;
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsMap()) return InputError{Pos{1, 1}, "a compose file is a mapping with services:"};
    const YAML::Node services = root["services"];
    services_.reset(services);
    if (!services) return std::nullopt;  // e.g. only networks/volumes
    if (!services.IsMap())
      return InputError{node_span(services).begin, "services: is not a mapping"};
    const RawText raw{text, SourceMap::of_text(text), true};
    Builder b(doc, &raw);  // the words of a `bash -c` block placed on their own lines
    for (const auto& kv : services) {
      const YAML::Node& svc = kv.second;
      const std::string name = kv.first.as<std::string>();
      if (!svc.IsMap()) {
        return InputError{node_span(kv.first).begin,
                          fmt::format("service \"{}\" is not a mapping", name)};
      }
      Container c;
      c.compose = true;
      c.span = node_span(kv.first);
      foreign_at_ = svc["extends"] ? node_span(svc["extends"]) : c.span;
      c.stmt_line = c.span.begin.line;
      if (auto image = scalar(field(svc, "image"))) c.image = image->value;
      c.restart = scalar(field(svc, "restart"));
      if (const YAML::Node deploy = field(svc, "deploy"); !c.restart && deploy.IsMap()) {
        // deploy.restart_policy.condition: none | on-failure | any (the default once the key
        // is there: compose-spec "deploy", which docker compose also applies outside a swarm).
        if (const YAML::Node policy = deploy["restart_policy"]; policy && policy.IsMap()) {
          const auto condition = scalar(policy["condition"]);
          const std::string value = condition ? condition->value : "any";
          c.restart = Setting{value == "none" ? "no" : value,
                              condition ? condition->span : node_span(policy)};
        }
      }
      c.ipc = scalar(field(svc, "ipc"));
      c.shm_size = scalar(field(svc, "shm_size"));
      c.name = scalar(field(svc, "container_name"));
      c.memory = scalar(field(svc, "mem_limit"));
      if (const YAML::Node p = field(svc, "profiles"); p.IsSequence()) {
        for (const YAML::Node& v : p)
          if (v.IsScalar()) c.profiles.push_back(v.Scalar());
      }
      c.published = static_cast<bool>(field(svc, "ports"));
      if (auto net = scalar(field(svc, "network_mode"))) c.network_host = net->value == "host";
      if (const YAML::Node hc = field(svc, "healthcheck"); hc.IsMap() && field(hc, "test")) {
        const YAML::Node test = field(hc, "test");
        std::string joined;
        if (test.IsScalar()) joined = test.Scalar();
        if (test.IsSequence()) {
          for (const YAML::Node& w : test)
            if (w.IsScalar()) joined += (joined.empty() ? "" : " ") + w.Scalar();
        }
        c.healthcheck = Setting{joined, node_span(test)};
      }
      c.gpu = wants_gpu(svc);
      Env env = environment(svc);
      std::vector<Word> cmd;
      if (auto err = compose_words(field(svc, "entrypoint"), cmd, &raw)) return err;
      c.entrypoint = !cmd.empty();
      if (auto err = compose_words(field(svc, "command"), cmd, &raw)) return err;
      // A build: service has no image to go by: its name and build context say what it runs.
      // Not the service's name unless it holds a GPU: vllm-benchmark builds a client.
      std::string known_as = c.gpu ? name : std::string();
      if (const YAML::Node build = field(svc, "build")) {
        if (build.IsScalar()) known_as += " " + build.Scalar();
        if (build.IsMap()) {
          for (const char* k : {"context", "dockerfile"}) {
            if (auto v = scalar(build[k])) known_as += " " + v->value;
          }
        }
      }
      b.container_command(c, std::move(cmd), std::move(env), c.stmt_line, 0, known_as);
      doc.containers.push_back(std::move(c));
    }
  } catch (const YAML::Exception& e) {
    const Pos at = e.mark.line >= 0 ? Pos{static_cast<uint32_t>(e.mark.line) + 1,
                                          static_cast<uint32_t>(e.mark.column) + 1}
                                    : Pos{1, 1};
    return InputError{at, e.msg.empty() ? std::string("not valid YAML") : e.msg};
  }
  return std::nullopt;
}

std::optional<InputError> read_compose(Document& doc, std::string_view text,
                                       const ReadBeside& read_beside) {
  ComposeFile file(doc, read_beside);
  return file.read(text);
}

}  // namespace

std::string_view kind_name(Kind k) {
  switch (k) {
    case Kind::unit:
      return "unit";
    case Kind::shell:
      return "shell";
    case Kind::compose:
      return "compose";
    case Kind::command:
      return "command";
  }
  return "shell";
}

std::optional<Kind> parse_kind(std::string_view s) {
  for (Kind k : {Kind::unit, Kind::shell, Kind::compose, Kind::command}) {
    if (s == kind_name(k)) return k;
  }
  return std::nullopt;
}

std::optional<Kind> kind_by_name(std::string_view path) {
  const std::string_view name = path_basename(path);
  const std::string_view dir = path.substr(0, path.size() - name.size());
  for (std::string_view ext : {".service", ".socket", ".timer", ".target", ".mount", ".path"}) {
    if (name.ends_with(ext)) return Kind::unit;
  }
  if (name.ends_with(".conf") && (dir.ends_with(".d/") || dir.ends_with(".d"))) return Kind::unit;
  if ((name.rfind("docker-compose", 0) == 0 || name.rfind("compose", 0) == 0) &&
      (name.ends_with(".yml") || name.ends_with(".yaml"))) {
    return Kind::compose;
  }
  if (name.ends_with(".sh") || name.ends_with(".bash")) return Kind::shell;
  return std::nullopt;
}

Kind detect_kind(std::string_view path, std::string_view text) {
  if (auto k = kind_by_name(path)) return *k;
  const std::string_view name = path_basename(path);
  // By content: the first line that is not blank or a comment.
  LineReader lines(text);
  std::string_view line;
  while (lines.next(line)) {
    const std::string_view t = trim(line);
    if (t.empty() || t.front() == '#' || t.front() == ';') continue;
    if (t.front() == '[' && t.back() == ']') return Kind::unit;
    break;
  }
  if (name.ends_with(".yml") || name.ends_with(".yaml")) return Kind::compose;
  lines = LineReader(text);
  while (lines.next(line)) {
    if (line.rfind("services:", 0) == 0) return Kind::compose;
  }
  return Kind::shell;
}

std::string_view engine_name(Engine e) {
  return e == Engine::sglang ? "SGLang" : "vLLM";
}

std::optional<double> ServerCall::Arg::number() const {
  return has_value ? parse_decimal(value) : std::nullopt;
}

std::optional<ServerCall::Arg> ServerCall::arg(std::string_view flag) const {
  std::optional<Arg> out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i].text;
    if (a == flag) {
      const bool value = i + 1 < args.size() && args[i + 1].text.rfind("--", 0) != 0;
      out = Arg{value ? args[i + 1].text : "", value,
                Span{args[i].span.begin, (value ? args[i + 1] : args[i]).span.end}};
    } else if (a.size() > flag.size() && a.compare(0, flag.size(), flag) == 0 &&
               a[flag.size()] == '=') {
      out = Arg{a.substr(flag.size() + 1), true, args[i].span};
    }
  }
  return out;
}

std::optional<ServerStart> find_server(const std::vector<std::string>& argv) {
  if (argv.empty()) return std::nullopt;
  const std::string_view prog = path_basename(argv[0]);
  if (argv.size() >= 2 && argv[1] == "serve") {
    if (prog == "sglang") return ServerStart{Engine::sglang, 2};
    if (prog == "vllm") return ServerStart{Engine::vllm, 2};
  }
  // python3 -m sglang.launch_server, also behind uv run / conda run and python's own flags.
  for (size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] != "-m" || (i > 0 && !is_python(argv[i - 1]) && argv[i - 1].rfind("-", 0) != 0)) {
      continue;
    }
    const std::string& mod = argv[i + 1];
    if (mod == "sglang.launch_server") return ServerStart{Engine::sglang, i + 2};
    if (mod == "vllm.entrypoints.openai.api_server") return ServerStart{Engine::vllm, i + 2};
  }
  return std::nullopt;
}

Built build_document(std::string file, std::string_view text, Kind kind,
                     const ReadBeside& read_beside) {
  Built out;
  out.doc.file = std::move(file);
  out.doc.kind = kind;
  // Binary input is not a unit, a script or YAML: say where it turns binary.
  const size_t nul = text.find('\0');
  if (nul != std::string_view::npos) {
    out.error = InputError{SourceMap::of_text(text.substr(0, nul)).at(nul),
                           "binary data (a NUL byte): not a text file"};
    return out;
  }
  switch (kind) {
    case Kind::unit:
      out.error = read_unit(out.doc, text);
      break;
    case Kind::compose:
      out.error = read_compose(out.doc, text, read_beside);
      break;
    case Kind::shell:
    case Kind::command:
      out.error = read_shell(out.doc, text, read_beside);
      break;
  }
  return out;
}

Built build_from_argv(const std::vector<std::string>& argv) {
  Built out;
  out.doc.file = "<command line>";
  out.doc.kind = Kind::command;
  std::vector<Word> words;
  uint32_t col = 1;
  for (const std::string& a : argv) {
    const auto len = static_cast<uint32_t>(std::max<size_t>(a.size(), 1));
    words.push_back(Word{a, Span{Pos{1, col}, Pos{1, col + len - 1}}});
    col += len + 1;
  }
  Builder b(out.doc);
  b.strict_docker = true;
  b.command(std::move(words), {}, 1, "");
  out.error = b.error;
  return out;
}

}  // namespace headroom::lint
