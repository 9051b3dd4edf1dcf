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
  Severity severity;  // the highest it reports with (HR203 and HR301 report two levels)
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

class Sink {
 public:
  Sink(const Document& doc, std::vector<Finding>& out) : doc_(doc), out_(out) {}
  void add(std::string_view code, Severity severity, Span span, uint32_t stmt_line,
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
