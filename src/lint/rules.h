// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The rules: their ids (the contract users write in ignore pragmas), default severities and
// one-line titles, and the checks, one file per family (rules.cpp: what the file takes from
// outside; rules_docker.cpp, rules_systemd.cpp, rules_sglang.cpp, rules_vllm.cpp).
// docs/rules/HRxxx.md explains each.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lint/document.h"
#include "lint/finding.h"

namespace headroom::lint {

struct RuleInfo {
  std::string_view code;
  // What its findings are reported with, and the level --list-rules and SARIF's
  // defaultConfiguration give it: for HR203 and HR301, which report two levels, the higher one
  // (their lesser findings are Sink::add_at calls that say why).
  Severity severity;
  std::string_view title;
  // false: a note on what lint could not see (HR001), not a landmine: it does not fail the run
  // unless the configuration gives it a severity ([severity] HR001 = "warning").
  bool counts = true;
};

std::span<const RuleInfo> all_rules();
const RuleInfo* find_rule(std::string_view code);
// The rule's page: DIR/HR101.md, DIR the rule pages' directory as the command found it
// (set_rule_doc_dir: /usr/share/doc/headroom/rules as installed, docs/rules in a source tree;
// "docs/rules" until set). The library itself reads nothing to find it.
std::string rule_doc(std::string_view code);
void set_rule_doc_dir(std::string dir);

// Where a file's rules run: the GPU kind, and where units are looked up (HR201).
struct CheckOptions {
  bool unified = true;          // unified memory (GB10, Jetson, GH200, Strix Halo) unless told
  std::string unit_root = "/";  // the root the unit search path is read under
  ReadBeside read_beside;       // the files a linted one names (none: nothing is read)
};

// Where the rules report: each finding at its rule's severity in the table (all_rules), so that
// the level a finding is printed with and the one --list-rules shows are one.
class Sink {
 public:
  Sink(const Document& doc, std::vector<Finding>& out) : doc_(doc), out_(out) {}
  void add(std::string_view code, Span span, uint32_t stmt_line, std::string message,
           std::string fix);
  // A finding on purpose at another level than its rule's (HR203's missing limits, HR301 where
  // spec v2 is only likely): the call says why.
  void add_at(Severity severity, std::string_view code, Span span, uint32_t stmt_line,
              std::string message, std::string fix);

 private:
  const Document& doc_;
  std::vector<Finding>& out_;
};

void check_values(const Document& doc, const CheckOptions& opt, Sink& sink);
void check_docker(const Document& doc, const CheckOptions& opt, Sink& sink);
void check_systemd(const Document& doc, const CheckOptions& opt, Sink& sink);
void check_sglang(const Document& doc, const CheckOptions& opt, Sink& sink);
void check_vllm(const Document& doc, const CheckOptions& opt, Sink& sink);

inline void check_all(const Document& doc, const CheckOptions& opt, Sink& sink) {
  check_values(doc, opt, sink);
  check_docker(doc, opt, sink);
  check_systemd(doc, opt, sink);
  check_sglang(doc, opt, sink);
  check_vllm(doc, opt, sink);
}

}  // namespace headroom::lint
