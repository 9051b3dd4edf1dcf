// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// What the rules look at: one linted file (or command line) read into containers, server
// command lines and, for units, the unit's keys and Exec commands. Built by the readers of the
// four kinds of input (unit, shell, compose, command) so every rule is written once, whatever
// the file the landmine sits in.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/engines.h"
#include "lint/finding.h"
#include "lint/unit_file.h"

namespace headroom::lint {

enum class Kind { unit, shell, compose, command };
std::string_view kind_name(Kind k);
std::optional<Kind> parse_kind(std::string_view s);
// By name first (*.service, *.conf in a *.d directory, docker-compose*.yml, compose*.yaml, *.sh),
// then by content ([Unit]/[Service] headers, a top-level `services:`); shell otherwise.
Kind detect_kind(std::string_view path, std::string_view text);
// The name alone (what a directory walk picks up); nullopt when only the content can tell.
std::optional<Kind> kind_by_name(std::string_view path);

enum class Engine { sglang, vllm };
std::string_view engine_name(Engine e);  // "SGLang", "vLLM"

// Where a value that came through a variable was set: MEM_FRACTION, on line 14 (of `file`, a
// sourced file or compose's .env, when not the linted file itself).
// Or, for a word placed where it is set (the words of `exec $VLLM_CMD`), where it is used.
struct Origin {
  std::string name;
  std::string file;
  uint32_t line = 0;
  bool use = false;  // `line` is where the variable is used, not where it is set
};

struct Word {
  std::string text;
  Span span;
  // An unquoted $NAME the file never sets: it may expand to nothing, or to several words.
  bool unresolved = false;
  std::optional<Origin> origin = std::nullopt;  // it came through a variable set elsewhere
};

struct EnvVar {
  std::optional<std::string> value;  // nullopt: passed through from outside (docker -e NAME)
  Span span;
};
using Env = std::map<std::string, EnvVar, std::less<>>;

// An SGLang or vLLM server command line.
struct ServerCall {
  Engine engine = Engine::sglang;
  std::vector<Word> args;  // the server's flags and their values
  Span span;               // the program word(s)
  uint32_t stmt_line = 0;
  Env env;  // what the server process sees (for a container: its -e / environment:)
  bool in_container = false;
  bool variant = false;  // the same line again, with the values of another if/elif branch

  struct Arg {
    std::string value;  // "" for a flag given without a value
    bool has_value = false;
    Span span;  // the flag (and its value)

    // The value as a plain decimal ("0.88", "4"); nullopt for anything else.
    std::optional<double> number() const;
  };
  // The last occurrence of --flag (or --flag=value); a value is the next word unless it is a flag.
  std::optional<Arg> arg(std::string_view flag) const;
};

struct Setting {
  std::string value;
  Span span;
};

// A container: a `docker run` line or a compose service.
struct Container {
  Span span;  // the `docker run` words, or the service's key
  uint32_t stmt_line = 0;
  bool compose = false;
  std::string image;
  bool server = false;  // its image or its command is SGLang / vLLM
  // The inference server it runs, of any engine headroom knows (llama.cpp, Ollama and
  // TensorRT-LLM too): from its command, its image's entrypoint (core/engines.h), or for an image
  // or a compose build: service headroom has no table entry for, the name it goes by.
  std::optional<EngineId> engine;
  bool entrypoint = false;  // --entrypoint / compose entrypoint: given, the image's does not run
  bool gpu = false;         // --gpus, --runtime nvidia; compose gpus:, runtime:, deploy devices
  std::optional<Setting> memory;       // --memory / compose mem_limit, deploy limits memory
  std::optional<Setting> healthcheck;  // --health-cmd / compose healthcheck.test, as one text
  bool published = false;              // -p / compose ports:
  bool network_host = false;           // --network host / compose network_mode: host
  std::vector<std::string> profiles;   // compose profiles: (none: the service always runs)
  std::optional<Setting> rm, restart, ipc, shm_size, name, detach;
  std::vector<Word> misplaced;         // flags before the image that docker does not know
  std::optional<size_t> server_index;  // its command, in Document::servers
  std::string exec_key;                // the unit key that runs it ("ExecStart"), empty elsewhere
  bool variant = false;  // the same line again, with the values of another if/elif branch
};

// One command of a unit's Exec*= keys.
struct UnitExec {
  std::string key;  // "ExecStartPre"
  uint32_t line = 0;
  ExecCommand cmd;
};

// Something the file takes from outside that could not be read here (`source /etc/vllm.env`).
struct Outside {
  Span span;
  std::string what;     // "source /etc/vllm.env"
  std::string why;      // "an absolute path"
  bool beside = false;  // a path beside the file, where nothing (readable) was
};

// A command the shell ends before its author meant it to (HR106): a line that begins with a flag
// after a line that did not continue (a comment swallowing its `\`, a YAML block that keeps its
// line breaks). The flags are linted as the command's own, as meant.
struct CutLine {
  Span span;  // the comment that swallowed the `\`, else the first flag of the cut line
  bool comment = false;
  std::string flag;   // the cut line's first word
  size_t offset = 0;  // of that word, in the text that was split
};

struct Document {
  std::string file;
  Kind kind = Kind::shell;
  std::vector<Container> containers;
  std::vector<ServerCall> servers;
  std::optional<UnitFile> unit;
  std::vector<UnitExec> execs;
  std::vector<Word> traced;  // words that came through a variable (Word::origin set)
  std::vector<Outside> outside;
  std::vector<CutLine> cuts;
};

struct Built {
  Document doc;
  std::optional<InputError> error;
};

// Reads a file the linted one names (a script's `source config.env`, compose's .env and
// `extends: file:`): the path is the linted file's directory joined with the relative name.
// nullopt: not there or not readable. The library reads nothing itself.
using ReadBeside = std::function<std::optional<std::string>(const std::string& path)>;

Built build_document(std::string file, std::string_view text, Kind kind,
                     const ReadBeside& read_beside = {});
// `headroom lint -- docker run …`: one command given as argv (file "<command line>").
Built build_from_argv(const std::vector<std::string>& argv);

// The server on a command line: `python3 -m sglang.launch_server …`, `sglang serve …`,
// `vllm serve …`, `python -m vllm.entrypoints.openai.api_server …`. Returns the engine and the
// index of its first argument.
struct ServerStart {
  Engine engine;
  size_t first_arg;
};
std::optional<ServerStart> find_server(const std::vector<std::string>& argv);

}  // namespace headroom::lint
