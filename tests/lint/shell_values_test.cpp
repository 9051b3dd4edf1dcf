// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The shell value model (lint/shell_values.h) as the rules see it: each construct the real-world
// corpus has, firing where the value is, and silent on the near miss.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "lint/lint.h"
#include "lint/shell_values.h"

namespace headroom::lint {
namespace {

using testing::ElementsAre;
using testing::IsEmpty;
using testing::Pair;

std::vector<std::pair<std::string, uint32_t>> found(std::string_view text,
                                                    Kind kind = Kind::shell) {
  const FileReport r = lint_text("t.sh", text, kind, CheckOptions{}, Config{});
  EXPECT_FALSE(r.error) << r.error->message;
  std::vector<std::pair<std::string, uint32_t>> out;
  for (const Finding& f : r.findings)
    out.emplace_back(f.code, f.span.begin.line);
  return out;
}

std::vector<std::string> words(std::string_view script, std::string_view last_line) {
  const std::string text = std::string(script) + std::string(last_line);
  const SourceMap map = SourceMap::of_text(text);
  SplitResult split = split_commands(text, Syntax::shell);
  ShellVars vars(text, map);
  std::vector<std::string> out;
  for (const RawCommand& rc : split.commands) {
    if (vars.assign(rc)) continue;
    out.clear();
    for (const Word& w : vars.expand(rc))
      out.push_back(w.text);
  }
  return out;
}

TEST(ShellValues, AssignmentsDefaultsAndArrays) {
  EXPECT_THAT(words("F=0.95\n", "echo $F ${F} \"$F\""),
              ElementsAre("echo", "0.95", "0.95", "0.95"));
  EXPECT_THAT(words("", "echo ${M:-0.8} ${M-0.7} ${M:+x}"), ElementsAre("echo", "0.8", "0.7"));
  EXPECT_THAT(words("M=\n", "echo ${M:-0.8} ${M-0.7}"), ElementsAre("echo", "0.8"));
  EXPECT_THAT(words("M=1\n", "echo ${M:+set} ${M:=2}"), ElementsAre("echo", "set", "1"));
  EXPECT_THAT(words("A=( --a 1\n  --b \"x y\" )\nA+=( --c )\n", "run \"${A[@]}\""),
              ElementsAre("run", "--a", "1", "--b", "x y", "--c"));
  EXPECT_THAT(words("C=\"vllm serve m --x 1\"\nC=\"$C --y\"\n", "exec $C"),
              ElementsAre("exec", "vllm", "serve", "m", "--x", "1", "--y"));
  EXPECT_THAT(words("C=\"a b\"\n", "echo \"$C\""), ElementsAre("echo", "a b"));
  // From outside the file: kept as written.
  EXPECT_THAT(words("", "echo $UNSET \"${ALSO}\""), ElementsAre("echo", "$UNSET", "${ALSO}"));
  EXPECT_THAT(words("export E=1 G=2\n", "echo $E$G"), ElementsAre("echo", "12"));
}

TEST(ShellValues, TheRulesSeeTheValuesWhereTheFileWritesThem) {
  // A default through a variable: reported on the line of the flag.
  EXPECT_THAT(found("MEMFRAC=\"${MEMFRAC:-0.95}\"\n"
                    "python3 -m sglang.launch_server --model-path /m \\\n"
                    "  --mem-fraction-static $MEMFRAC\n"),
              ElementsAre(Pair("HR302", 3u)));
  EXPECT_THAT(found("MEMFRAC=\"${MEMFRAC:-0.75}\"\n"
                    "python3 -m sglang.launch_server --model-path /m --mem-fraction-static "
                    "$MEMFRAC\n"),
              IsEmpty());
  // A command held in a string, run by exec $CMD: the flag on its own line inside the string.
  EXPECT_THAT(found("U=${U:-0.95}\n"
                    "CMD=\"vllm serve /m \\\n"
                    "  --gpu-memory-utilization $U\"\n"
                    "exec $CMD\n"),
              ElementsAre(Pair("HR351", 3u)));
  // An array literal is one value, not lines of their own (no false HR306 for the fraction).
  EXPECT_THAT(found("ARGS=(\n  --model-path /m\n  --mem-fraction-static 0.75\n)\n"
                    "python3 -m sglang.launch_server \"${ARGS[@]}\"\n"),
              IsEmpty());
  EXPECT_THAT(
      found("ARGS=(\n  --model-path /m\n)\npython3 -m sglang.launch_server \"${ARGS[@]}\"\n"),
      ElementsAre(Pair("HR306", 4u)));
  // An unset variable where docker reads its flags is not the image.
  EXPECT_THAT(
      found("docker run $DETACH_FLAG --rm --restart always --name x "
            "lmsysorg/sglang:spark python3 -m sglang.launch_server --model-path /m "
            "--mem-fraction-static 0.75 --host 0.0.0.0\n"),
      testing::UnorderedElementsAre(Pair("HR101", 1u), Pair("HR103", 1u), Pair("HR104", 1u)));
}

// Commands the linter did not see before: docker create, $( … ), one-line if/while, a function's
// body; compose's deploy.restart_policy.
TEST(ShellValues, MoreOfTheShellAndCompose) {
  const std::string line = "docker run --rm --restart always --name x --ipc=host img\n";
  EXPECT_THAT(found("CID=$(" + line.substr(0, line.size() - 1) + ")\n"),
              ElementsAre(Pair("HR101", 1u)));
  EXPECT_THAT(found("if [ -n \"$X\" ]; then " + line.substr(0, line.size() - 1) + "; fi\n"),
              ElementsAre(Pair("HR101", 1u)));
  EXPECT_THAT(found("start() {\n  " + line + "}\nstart\n"), ElementsAre(Pair("HR101", 2u)));
  const std::string create = "docker create" + line.substr(std::string("docker run").size());
  EXPECT_THAT(found(create), ElementsAre(Pair("HR101", 1u)));
  // Near miss: docker ps is not a container.
  EXPECT_THAT(found("if docker ps -q; then echo up; fi\n"), IsEmpty());
  EXPECT_THAT(found("services:\n  v:\n    image: vllm/vllm-openai\n    ipc: host\n"
                    "    command: --model /m --gpu-memory-utilization 0.7\n    deploy:\n"
                    "      restart_policy:\n        condition: on-failure\n",
                    Kind::compose),
              ElementsAre(Pair("HR103", 8u)));
  EXPECT_THAT(found("services:\n  v:\n    image: vllm/vllm-openai\n    ipc: host\n"
                    "    command: --model /m --gpu-memory-utilization 0.7\n    deploy:\n"
                    "      restart_policy:\n        condition: none\n",
                    Kind::compose),
              IsEmpty());
}

TEST(ShellValues, ComposeInterpolationTakesTheDefault) {
  EXPECT_THAT(found("services:\n  v:\n    image: ${IMG:-vllm/vllm-openai:latest}\n    ipc: host\n"
                    "    command: --model /m --gpu-memory-utilization ${U:-0.95}\n",
                    Kind::compose),
              ElementsAre(Pair("HR351", 5u)));
  // $$ is a literal $: "$${U:-0.95}" is not interpolated (compose passes "${U:-0.95}" on, to
  // the container's environment): not checked, and said so (HR001), not HR351.
  EXPECT_THAT(found("services:\n  v:\n    image: vllm/vllm-openai:latest\n    ipc: host\n"
                    "    command: --model /m --gpu-memory-utilization $${U:-0.95}\n",
                    Kind::compose),
              ElementsAre(Pair("HR001", 5u)));
  // No default: from the environment compose reads, not known here, and said so.
  EXPECT_THAT(found("services:\n  v:\n    image: vllm/vllm-openai:latest\n    ipc: host\n"
                    "    command: --model /m --gpu-memory-utilization ${U}\n",
                    Kind::compose),
              ElementsAre(Pair("HR001", 5u)));
}

// The whole report of one file, with the files beside it that it may read.
FileReport lint_beside(const std::string& file, Kind kind, std::string_view text,
                       std::map<std::string, std::string> beside) {
  CheckOptions opt;
  opt.read_beside = [beside](const std::string& path) -> std::optional<std::string> {
    auto it = beside.find(path);
    if (it == beside.end()) return std::nullopt;
    return it->second;
  };
  FileReport r = lint_text(file, text, kind, opt, Config{});
  EXPECT_FALSE(r.error) << r.error->message;
  return r;
}

FileReport report(std::string_view text, std::map<std::string, std::string> beside = {}) {
  return lint_beside("deploy/start.sh", Kind::shell, text, std::move(beside));
}

FileReport compose(std::string_view text, std::map<std::string, std::string> beside = {}) {
  return lint_beside("stack/compose.yaml", Kind::compose, text, std::move(beside));
}

std::vector<std::pair<std::string, uint32_t>> codes(const FileReport& r) {
  std::vector<std::pair<std::string, uint32_t>> out;
  for (const Finding& f : r.findings)
    out.emplace_back(f.code, f.span.begin.line);
  return out;
}

TEST(ShellValues, EachBranchOfAnIfIsLintedWithItsOwnValues) {
  // launch_server.sh (NVIDIA's txt2kg playbook): the first branch's 0.9 fires on the flag's line,
  // and the finding says where the value was set and where the command runs.
  const std::string script =
      "if [[ \"$M\" == *7B* ]]; then\n"    // 1
      "  U=\"${VLLM_U:-0.9}\"\n"           // 2
      "elif [[ \"$C\" == 12.1 ]]; then\n"  // 3
      "  U=\"${VLLM_U:-0.7}\"\n"           // 4
      "else\n"                             // 5
      "  U=0.7\n"                          // 6
      "fi\n"                               // 7
      "CMD=\"vllm serve m \\\n"            // 8
      "  --gpu-memory-utilization $U\"\n"  // 9
      "exec $CMD\n";                       // 10
  const FileReport r = report(script);
  ASSERT_THAT(codes(r), ElementsAre(Pair("HR351", 9u)));
  EXPECT_THAT(r.findings[0].message, testing::HasSubstr("0.9 on unified memory"));
  EXPECT_THAT(r.findings[0].message,
              testing::HasSubstr("(U is set on line 2; $CMD runs it on line 10)"));
  // Only a later branch is unsafe: found all the same (the line runs with it when that branch
  // is taken), once.
  std::string later = script;
  later.replace(later.find("0.9"), 3, "0.7");
  later.replace(later.find("U=0.7\n"), 6, "U=0.95\n");
  EXPECT_THAT(codes(report(later)), ElementsAre(Pair("HR351", 9u)));
  // Near miss: every branch safe.
  std::string safe = script;
  safe.replace(safe.find("0.9"), 3, "0.7");
  EXPECT_THAT(codes(report(safe)), IsEmpty());
  // No else: the value before the if holds when no branch runs.
  EXPECT_THAT(found("U=0.95\nif [ -n \"$X\" ]; then U=0.7; fi\n"
                    "vllm serve m --gpu-memory-utilization $U\n"),
              ElementsAre(Pair("HR351", 3u)));
  // Two branches that start one server each are not two servers running together (HR401).
  EXPECT_THAT(found("if [ -n \"$BIG\" ]; then U=0.7; else U=0.6; fi\n"
                    "docker run -d --ipc host --name a vllm/vllm-openai m "
                    "--gpu-memory-utilization $U\n"
                    "docker run -d --ipc host --name b vllm/vllm-openai m "
                    "--gpu-memory-utilization 0.2\n"),
              IsEmpty());
}

TEST(ShellValues, EvalRunsTheCommandItIsGiven) {
  // eval $CMD: the words where CMD placed them; eval "$CMD": at the string, naming CMD's line.
  EXPECT_THAT(found("CMD=\"vllm serve m --gpu-memory-utilization 0.95\"\neval $CMD\n"),
              ElementsAre(Pair("HR351", 1u)));
  const FileReport r =
      report("CMD=\"vllm serve m --gpu-memory-utilization 0.95\"\neval \"$CMD\"\n");
  ASSERT_THAT(codes(r), ElementsAre(Pair("HR351", 2u)));
  EXPECT_THAT(r.findings[0].message, testing::HasSubstr("(CMD is set on line 1)"));
  // Near miss: eval of something else.
  EXPECT_THAT(found("CMD=\"echo --gpu-memory-utilization 0.95\"\neval \"$CMD\"\n"), IsEmpty());
}

TEST(ShellValues, ASourcedFileBesideTheScriptIsRead) {
  const std::string script =
      "SCRIPT_DIR=\"$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)\"\n"  // 1
      "source \"${SCRIPT_DIR}/config.env\"\n"                               // 2
      "MEM=\"${MEM:-0.75}\"\n"                                              // 3
      "python3 -m sglang.launch_server --model-path m --mem-fraction-static \"$MEM\"\n";
  const FileReport r = report(script, {{"deploy/config.env", "# cluster\nMEM=0.9\n"}});
  ASSERT_THAT(codes(r), ElementsAre(Pair("HR302", 4u)));
  EXPECT_THAT(r.findings[0].message,
              testing::HasSubstr("(MEM is set in deploy/config.env, line 2)"));
  // `. ./config.env` and $(dirname "$0") are the same directory.
  EXPECT_THAT(codes(report(". ./config.env\n"
                           "python3 -m sglang.launch_server --mem-fraction-static $MEM\n",
                           {{"deploy/config.env", "MEM=0.9\n"}})),
              ElementsAre(Pair("HR302", 2u)));
  // Near miss: the sourced file sets a safe value over the script's unsafe default.
  EXPECT_THAT(codes(report("source \"$(dirname \"$0\")/config.env\"\nMEM=\"${MEM:-0.9}\"\n"
                           "python3 -m sglang.launch_server --mem-fraction-static $MEM\n",
                           {{"deploy/config.env", "MEM=0.7\n"}})),
              IsEmpty());
}

TEST(ShellValues, WhatComesFromOutsideIsSaidNotGuessed) {
  // Not beside the script, an absolute path, a path from outside: HR001 on the source line, and
  // the script's own default is checked.
  for (const char* line :
       {"source ./config.env\n", "source /etc/default/sglang\n", "source \"$CONF\"\n"}) {
    const FileReport r = report(std::string(line) +
                                "MEM=\"${MEM:-0.9}\"\n"
                                "python3 -m sglang.launch_server --mem-fraction-static $MEM\n");
    EXPECT_THAT(codes(r), ElementsAre(Pair("HR001", 1u), Pair("HR302", 3u))) << line;
  }
  // A checked flag whose variable the file never sets.
  const FileReport r = report("python3 -m sglang.launch_server --mem-fraction-static $MEM\n");
  ASSERT_THAT(codes(r), ElementsAre(Pair("HR001", 1u)));
  EXPECT_EQ(r.findings[0].severity, Severity::info);
  // A note, not a landmine: it does not fail the run, unless the configuration says so.
  EXPECT_FALSE(fails(r.findings, Threshold{}));
  Config strict;
  strict.severity["HR001"] = Severity::warning;
  const FileReport counted =
      lint_text("t.sh", "python3 -m sglang.launch_server --mem-fraction-static $MEM\n", Kind::shell,
                CheckOptions{}, strict);
  EXPECT_TRUE(fails(counted.findings, Threshold{}));
  // Near miss: a flag no rule checks (the model path) is not a note.
  EXPECT_THAT(found("python3 -m sglang.launch_server --model-path $MODEL "
                    "--mem-fraction-static 0.7\n"),
              IsEmpty());
}

TEST(ShellValues, ComposeReadsTheEnvFileBesideIt) {
  const std::string text =
      "services:\n"
      "  v:\n"
      "    image: vllm/vllm-openai:latest\n"
      "    ipc: host\n"
      "    command: --model /m --gpu-memory-utilization ${GPU_UTIL:-0.7}\n";
  // No .env: the default (0.7) is checked.
  EXPECT_THAT(codes(compose(text)), IsEmpty());
  // The .env beside the file sets it, as compose reads it; the finding names the .env's line.
  const FileReport r = compose(text, {{"stack/.env", "# GPU share\nGPU_UTIL=0.95\n"}});
  ASSERT_THAT(codes(r), ElementsAre(Pair("HR351", 5u)));
  EXPECT_THAT(r.findings[0].message, testing::HasSubstr("(GPU_UTIL is set in stack/.env, line 2)"));
  // A list command, and a value only the .env gives.
  EXPECT_THAT(codes(compose("services:\n  v:\n    image: vllm/vllm-openai:latest\n"
                            "    ipc: host\n"
                            "    command: [\"--model\", \"/m\", \"--gpu-memory-utilization\",\n"
                            "              \"${GPU_UTIL}\"]\n",
                            {{"stack/.env", "GPU_UTIL=\"0.95\"\n"}})),
              ElementsAre(Pair("HR351", 5u)));
}

TEST(ShellValues, ComposeExtendsAnotherService) {
  // extends: in the same file: the base's keys are the service's (here its --ipc).
  const std::string base =
      "services:\n"                                              // 1
      "  common:\n"                                              // 2
      "    ipc: host\n"                                          // 3
      "  llm:\n"                                                 // 4
      "    image: vllm/vllm-openai:latest\n"                     // 5
      "    command: --model /m --gpu-memory-utilization 0.7\n";  // 6
  EXPECT_THAT(codes(compose(base + "    extends: common\n")), IsEmpty());
  EXPECT_THAT(codes(compose(base + "    extends:\n      service: common\n")), IsEmpty());
  // Near miss: without it, the server has neither --ipc=host nor a shm size.
  EXPECT_THAT(codes(compose(base)), ElementsAre(Pair("HR104", 4u)));
  // extends: {file:, service:} beside it: read, and reported on the extends: line.
  const FileReport r = compose(
      "services:\n  llm:\n    extends:\n      file: common.yaml\n      service: vllm\n"
      "    ipc: host\n",
      {{"stack/common.yaml",
        "services:\n  vllm:\n    image: vllm/vllm-openai\n"
        "    command: --model /m --gpu-memory-utilization 0.95\n"}});
  EXPECT_THAT(codes(r), ElementsAre(Pair("HR351", 4u)));
  // Not there: nothing is invented.
  EXPECT_THAT(codes(compose("services:\n  llm:\n    extends:\n      file: common.yaml\n"
                            "      service: vllm\n    image: busybox\n")),
              IsEmpty());
}

}  // namespace
}  // namespace headroom::lint
