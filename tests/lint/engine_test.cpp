// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The engine around the rules: the examples' findings, pragmas, configuration, kinds, formats.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "lint/format.h"
#include "lint/lint.h"

namespace headroom::lint {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string read(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// "HR101@3" for each finding: the code and the line.
std::vector<std::string> example(const std::string& rel) {
  const std::string path = std::string(HEADROOM_SOURCE_DIR) + "/examples/" + rel;
  const std::string text = read(path);
  EXPECT_FALSE(text.empty()) << path;
  CheckOptions opt;
  opt.unit_root = HEADROOM_FIXTURES "/lint/unit-root";
  FileReport r = lint_text(rel, text, detect_kind(rel, text), opt, Config{});
  EXPECT_FALSE(r.error) << r.error->message;
  std::vector<std::string> out;
  for (const Finding& f : r.findings)
    out.push_back(f.code + "@" + std::to_string(f.span.begin.line));
  return out;
}

TEST(Examples, TheSeedsUnit) {
  // After=nvidia-gpu-reset.target; Restart=always with no start limit in [Unit]; the limit it
  // has under [Service], ignored there; the 300 s wait under the default 90 s start timeout;
  // the SGLang flags before the image; so SGLang runs with its default fraction. RestartSec=30
  // is not flagged here: the seed's ExecStartPre= wait is a memory gate.
  EXPECT_THAT(example("seed/sglang.service"),
              ElementsAre("HR201@5", "HR203@11", "HR203@13", "HR204@15", "HR102@18", "HR102@18",
                          "HR306@19"));
}

TEST(Examples, TheSeedsFiveDockerRunLines) {
  EXPECT_THAT(example("seed/1-rm-with-restart.sh"), ElementsAre("HR101@3", "HR103@3"));
  EXPECT_THAT(example("seed/2-mem-fraction.sh"), ElementsAre("HR302@6"));
  EXPECT_THAT(example("seed/3-eagle-topk.sh"), ElementsAre("HR301@9"));
  EXPECT_THAT(example("seed/4-flashinfer.sh"), ElementsAre("HR303@6"));
  EXPECT_THAT(example("seed/5-working.sh"), ElementsAre("HR102@5", "HR102@5", "HR306@6"));
}

TEST(Examples, PlaybookComposeAndUnits) {
  EXPECT_THAT(example("playbook/sglang-spark.sh"), IsEmpty());
  EXPECT_THAT(example("playbook/vllm-spark.sh"), ElementsAre("HR104@5", "HR105@5", "HR351@7"));
  EXPECT_THAT(example("compose/docker-compose.yml"),
              ElementsAre("HR103@8", "HR302@16", "HR104@17", "HR103@19", "HR351@21", "HR401@21"));
  EXPECT_THAT(example("units/sglang-headroom.service"), IsEmpty());
  EXPECT_THAT(example("units/sglang-wait.service"), IsEmpty());
}

std::vector<std::string> codes(std::string_view text, const Config& config = {}) {
  FileReport r = lint_text("t.sh", text, Kind::shell, CheckOptions{}, config);
  std::vector<std::string> out;
  for (const Finding& f : r.findings)
    out.push_back(f.code);
  return out;
}

TEST(Pragmas, IgnoreOnTheLineBeforeTheSameLineOrTheWholeFile) {
  const std::string line = "docker run --rm --restart always --name s --ipc=host img";
  EXPECT_THAT(codes(line), ElementsAre("HR101"));
  EXPECT_THAT(codes("# headroom: ignore=HR101 we know\n" + line), IsEmpty());
  EXPECT_THAT(codes(line + "  # headroom: ignore=HR101"), IsEmpty());
  EXPECT_THAT(codes("# headroom: ignore=HR999,HR101\n" + line), IsEmpty());
  EXPECT_THAT(codes("# headroom: ignore=HR102\n" + line), ElementsAre("HR101"));
  EXPECT_THAT(codes("# headroom: global ignore=HR101\necho hi\n\n" + line), IsEmpty());
  // A pragma two lines above does not reach.
  EXPECT_THAT(codes("# headroom: ignore=HR101\n\n" + line), ElementsAre("HR101"));
  // Not in a comment: not a pragma.
  EXPECT_THAT(codes("echo headroom: ignore=HR101\n" + line), ElementsAre("HR101"));
}

TEST(Pragmas, TheLineBeforeAStatementCoversAllOfItsLines) {
  EXPECT_THAT(codes("# headroom: ignore=HR101\ndocker run --name s \\\n  --rm \\\n"
                    "  --restart always img"),
              IsEmpty());
}

TEST(Pragmas, UnitsUseSemicolonCommentsToo) {
  CheckOptions opt;
  opt.unit_root = "/nonexistent";
  const std::string unit =
      "[Unit]\nDescription=x\n; headroom: ignore=HR201 not on this box\n"
      "After=nvidia-gpu-reset.target\n";
  EXPECT_THAT(lint_text("u.service", unit, Kind::unit, opt, Config{}).findings, IsEmpty());
}

TEST(Config, ParsesEveryKey) {
  const ConfigLoad c = parse_config(".headroom.toml",
                                    "ignore = [\"HR105\"]\nfailure-threshold = \"warning\"\n"
                                    "target = \"discrete\"\nunit-root = \"/srv/root\"\n"
                                    "[severity]\nHR303 = \"warning\"\nHR104 = \"off\"\n");
  ASSERT_FALSE(c.error) << c.error->message;
  EXPECT_TRUE(c.config.ignore.count("HR105"));
  ASSERT_TRUE(c.config.threshold);
  EXPECT_EQ(c.config.threshold->at, Severity::warning);
  EXPECT_EQ(c.config.unified, false);
  EXPECT_EQ(c.config.unit_root, "/srv/root");
  EXPECT_EQ(c.config.severity.at("HR303"), Severity::warning);
  EXPECT_EQ(c.config.severity.at("HR104"), std::nullopt);
}

TEST(Config, SeverityOverridesAndIgnoresApply) {
  const ConfigLoad c = parse_config("c",
                                    "ignore = [\"HR105\"]\n[severity]\nHR104 = \"off\"\n"
                                    "HR303 = \"error\"\n");
  ASSERT_FALSE(c.error);
  FileReport r = lint_text("t.sh",
                           "docker run --rm lmsysorg/sglang:spark python3 -m "
                           "sglang.launch_server --mem-fraction-static 0.7 --attention-backend "
                           "flashinfer",
                           Kind::shell, CheckOptions{}, c.config);
  ASSERT_THAT(r.findings, testing::SizeIs(1));
  EXPECT_EQ(r.findings[0].code, "HR303");
  EXPECT_EQ(r.findings[0].severity, Severity::error);
}

TEST(Config, ErrorsNameTheLine) {
  auto err = [](std::string_view text) { return parse_config("c.toml", text).error.value(); };
  EXPECT_EQ(err("ignore = [\"HR105\"]\ntarget = \"gpu\"\n").pos.line, 2u);
  EXPECT_EQ(err("ignore = [\"HR105\"]\ntarget = \"gpu\"\n").message,
            "target must be \"unified\" or \"discrete\"");
  EXPECT_EQ(err("ignore = [\"HR1\"]\n").message, "ignore: expected rule ids such as \"HR105\"");
  EXPECT_EQ(err("[severity]\nHR101 = \"loud\"\n").pos.line, 2u);
  EXPECT_EQ(err("colour = 1\n").pos.line, 1u);
  EXPECT_EQ(err("ignore = [\"HR105\"]\ntarget = = 1\n").pos.line, 2u);  // TOML syntax
}

TEST(Kinds, DetectedByNameThenContent) {
  EXPECT_EQ(detect_kind("a/sglang.service", ""), Kind::unit);
  EXPECT_EQ(detect_kind("a/sglang.service.d/override.conf", ""), Kind::unit);
  EXPECT_EQ(detect_kind("docker-compose.yml", ""), Kind::compose);
  EXPECT_EQ(detect_kind("compose.yaml", ""), Kind::compose);
  EXPECT_EQ(detect_kind("run.sh", "[Unit]\n"), Kind::shell);
  EXPECT_EQ(detect_kind("unit", "# c\n\n[Service]\nExecStart=/bin/x\n"), Kind::unit);
  EXPECT_EQ(detect_kind("stack", "version: '3'\nservices:\n  a: {}\n"), Kind::compose);
  EXPECT_EQ(detect_kind("-", "docker run img\n"), Kind::shell);
}

TEST(Inputs, BrokenInputIsAnErrorWithAPlace) {
  auto error = [](std::string_view text, Kind k) {
    return lint_text("f", text, k, CheckOptions{}, Config{}).error.value();
  };
  EXPECT_EQ(error(std::string("ab\ncd\0ef", 8), Kind::shell).pos, (Pos{2, 3}));
  EXPECT_EQ(error("docker run 'img", Kind::shell).pos, (Pos{1, 12}));
  EXPECT_EQ(error("services: [a\n", Kind::compose).pos.line, 2u);
  EXPECT_EQ(error("services:\n  a: 1\n", Kind::compose).message, "service \"a\" is not a mapping");
  EXPECT_EQ(error("- a\n", Kind::compose).message, "a compose file is a mapping with services:");
  EXPECT_EQ(error("[Service]\nExecStart=/bin/x 'a\n", Kind::unit).pos, (Pos{2, 18}));
}

TEST(Inputs, ACommandLine) {
  const FileReport r =
      lint_argv({"docker", "run", "--rm", "--restart", "always", "nginx"}, CheckOptions{}, {});
  ASSERT_THAT(r.findings, testing::SizeIs(1));
  EXPECT_EQ(r.findings[0].file, "<command line>");
  EXPECT_EQ(r.findings[0].span.begin, (Pos{1, 17}));
  EXPECT_EQ(lint_argv({"docker", "run", "--rm"}, CheckOptions{}, {}).error->message,
            "docker run: no image given");
}

std::vector<FileReport> sample() {
  return {lint_text("a <&> \"b\".sh", "docker run --rm --restart always --name s img", Kind::shell,
                    CheckOptions{}, Config{})};
}

TEST(Formats, JsonHasEveryField) {
  const auto doc = nlohmann::json::parse(format_reports(sample(), Format::json, false, "1"));
  EXPECT_EQ(doc["version"], 1);
  EXPECT_EQ(doc["files"], 1);
  EXPECT_TRUE(doc["errors"].empty());
  const auto& j = doc["findings"];
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["file"], "a <&> \"b\".sh");
  EXPECT_EQ(j[0]["line"], 1);
  EXPECT_EQ(j[0]["column"], 17);
  EXPECT_EQ(j[0]["end_line"], 1);
  EXPECT_EQ(j[0]["end_column"], 32);
  EXPECT_EQ(j[0]["level"], "error");
  EXPECT_EQ(j[0]["code"], "HR101");
  EXPECT_FALSE(j[0]["message"].get<std::string>().empty());
  EXPECT_FALSE(j[0]["fix"].get<std::string>().empty());
  EXPECT_EQ(j[0]["see"], rule_doc("HR101"));
}

TEST(Formats, TtyGccCheckstyle) {
  const std::string tty = format_reports(sample(), Format::tty, false, "1");
  EXPECT_EQ(tty.rfind("a <&> \"b\".sh:1:17: error HR101: --rm with --restart always", 0), 0u)
      << tty;
  EXPECT_NE(tty.find("\n  fix: drop --restart"), std::string::npos);
  EXPECT_NE(tty.find("\n  see: docs/rules/HR101.md\n"), std::string::npos);
  EXPECT_EQ(format_reports(sample(), Format::tty, true, "1").find("\033[1;31merror\033[0m") ==
                std::string::npos,
            false);
  const std::string gcc = format_reports(sample(), Format::gcc, false, "1");
  EXPECT_EQ(gcc.rfind("a <&> \"b\".sh:1:17: error: --rm with", 0), 0u) << gcc;
  EXPECT_NE(gcc.find("[HR101]\n"), std::string::npos);
  const std::string xml = format_reports(sample(), Format::checkstyle, false, "1");
  EXPECT_NE(xml.find("<file name=\"a &lt;&amp;&gt; &quot;b&quot;.sh\">"), std::string::npos) << xml;
  EXPECT_NE(xml.find("line=\"1\" column=\"17\" severity=\"error\""), std::string::npos);
  EXPECT_NE(xml.find("source=\"headroom.HR101\""), std::string::npos);
}

TEST(Formats, SarifCarriesRulesResultsAndInputErrors) {
  std::vector<FileReport> reports = sample();
  reports.push_back(lint_text("bad.sh", "x 'y", Kind::shell, CheckOptions{}, Config{}));
  const auto j = nlohmann::json::parse(format_reports(reports, Format::sarif, false, "0.1.0"));
  EXPECT_EQ(j["version"], "2.1.0");
  const auto& run = j["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["rules"].size(), all_rules().size());
  const auto& res = run["results"][0];
  EXPECT_EQ(res["ruleId"], "HR101");
  EXPECT_EQ(run["tool"]["driver"]["rules"][res["ruleIndex"].get<size_t>()]["id"], "HR101");
  EXPECT_EQ(res["level"], "error");
  EXPECT_EQ(res["locations"][0]["physicalLocation"]["region"]["startColumn"], 17);
  EXPECT_EQ(res["locations"][0]["physicalLocation"]["region"]["endColumn"], 33);  // exclusive
  const auto& note = run["invocations"][0]["toolExecutionNotifications"][0];
  EXPECT_EQ(note["message"]["text"], "unterminated single quote");
  EXPECT_EQ(run["invocations"][0]["executionSuccessful"], false);
}

TEST(Threshold, DecidesTheExitCode) {
  const std::vector<Finding> info{Finding{"f", {}, 0, Severity::info, "HR105", "", ""}};
  EXPECT_TRUE(fails(info, Threshold{}));
  EXPECT_FALSE(fails(info, Threshold{false, Severity::warning}));
  EXPECT_FALSE(fails(info, Threshold{true, Severity::info}));
  EXPECT_FALSE(fails({}, Threshold{}));
}

}  // namespace
}  // namespace headroom::lint
