// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "lint/rules.h"

#include <fmt/format.h>

#include <array>
#include <cassert>
#include <vector>

namespace headroom::lint {
namespace {

using S = Severity;

constexpr auto kRules = std::to_array<RuleInfo>({
    {"HR001", S::info, "a checked value comes from outside the file: not checked", false},
    {"HR101", S::error, "docker --rm together with a --restart policy: docker refuses to start"},
    {"HR102", S::error, "flags before the image name that docker does not know"},
    {"HR103", S::warning, "a Docker restart policy on an inference server: no memory gate"},
    {"HR104", S::warning, "an SGLang/vLLM container with neither --ipc=host nor --shm-size"},
    {"HR105", S::info, "a server container without --name"},
    {"HR106", S::error, "a command the shell ends at a line break: the flags below run alone"},
    {"HR201", S::warning, "After=/Wants=/Requires=/BindsTo= name a unit that does not exist"},
    {"HR202", S::warning, "Restart= with RestartSec= below 60 s and no memory gate"},
    {"HR203", S::error, "start limits missing, or under [Service] where systemd ignores them"},
    {"HR204", S::error, "TimeoutStartSec= shorter than the memory wait in ExecStartPre="},
    {"HR205", S::error, "docker run -d under Type=simple/exec: the container runs unsupervised"},
    {"HR206", S::warning, "ExecStart= runs docker run without an ExecStop= that stops it"},
    {"HR207", S::error, "docker run --name in a unit without --rm or a docker rm before it"},
    {"HR208", S::warning, "a Docker --restart policy inside a unit that has Restart="},
    {"HR209", S::warning, "MemoryMax= on a unit that runs docker run: it limits the client"},
    {"HR210", S::warning, "a user unit ordered on system units it cannot see"},
    {"HR211", S::warning, "Type=oneshot, RemainAfterExit= and docker run -d: nothing supervises"},
    {"HR212", S::error, "PrivateDevices= in the unit of a GPU server: it hides /dev/nvidia*"},
    {"HR213", S::warning,
     "a line in a unit that systemd ignores (not Key=Value, outside a section)"},
    {"HR214", S::error, "an empty line inside a continued value: systemd reads only up to it"},
    {"HR301", S::error, "SGLang --speculative-eagle-topk > 1 with spec v2"},
    {"HR302", S::warning, "SGLang --mem-fraction-static above 0.80 on unified memory"},
    {"HR303", S::info, "SGLang FlashInfer attention or autotune: allocations outside the budget"},
    {"HR304", S::warning, "SGLang --speculative-num-draft-tokens != num-steps + 1 with topk 1"},
    {"HR305", S::error, "SGLang --moe-runner-backend unknown or not valid with the quantization"},
    {"HR306", S::warning, "SGLang on unified memory without --mem-fraction-static"},
    {"HR307", S::error, "SGLang bound to loopback in a container whose port is published"},
    {"HR351", S::warning, "vLLM --gpu-memory-utilization above 0.85 or unset on unified memory"},
    {"HR352", S::warning, "vLLM --enable-flashinfer-autotune on unified memory"},
    {"HR353", S::warning, "a container health check on vLLM's /health, which a wedge passes"},
    {"HR354", S::warning, "a VLLM_* memory variable vLLM does not read"},
    {"HR401", S::error, "servers that run together claim more than the whole pool"},
});

}  // namespace

std::span<const RuleInfo> all_rules() {
  return kRules;
}

const RuleInfo* find_rule(std::string_view code) {
  for (const RuleInfo& r : kRules) {
    if (r.code == code) return &r;
  }
  return nullptr;
}

namespace {
std::string& rule_doc_dir() {
  static std::string dir = "docs/rules";
  return dir;
}
}  // namespace

std::string rule_doc(std::string_view code) {
  return rule_doc_dir() + "/" + std::string(code) + ".md";
}

void set_rule_doc_dir(std::string dir) {
  rule_doc_dir() = std::move(dir);
}

namespace {

bool within(Pos p, Span s) {
  const auto key = [](Pos x) { return (uint64_t{x.line} << 32) | x.col; };
  return key(p) >= key(s.begin) && key(p) <= key(s.end);
}

// " (MEM_FRACTION is set on line 14; SGLANG_ARGS runs it on line 33)": where a value that came
// through a variable was set, and where the words of a variable that holds the command (`exec
// $VLLM_CMD`, "${ARGS[@]}") run. Of several words there (the values of two branches), the one
// the message quotes.
std::string origin_note(const Document& doc, Span span, const std::string& message) {
  const Word* set = nullptr;
  const Word* use = nullptr;
  for (const Word& w : doc.traced) {
    if (!within(w.span.begin, span)) continue;
    const Origin& o = *w.origin;
    if (o.file.empty() && o.line == span.begin.line) continue;  // said by the finding's place
    const Word*& slot = o.use ? use : set;
    if (slot == nullptr || (message.find(w.text) != std::string::npos &&
                            message.find(slot->text) == std::string::npos)) {
      slot = &w;
    }
  }
  std::vector<std::string> parts;
  if (set != nullptr) {
    const Origin& o = *set->origin;
    parts.push_back(o.file.empty()
                        ? fmt::format("{} is set on line {}", o.name, o.line)
                        : fmt::format("{} is set in {}, line {}", o.name, o.file, o.line));
  }
  if (use != nullptr) {
    const Origin& o = *use->origin;
    parts.push_back(fmt::format("${} runs it on line {}", o.name, o.line));
  }
  if (parts.empty()) return "";
  return parts.size() == 1 ? " (" + parts[0] + ")" : " (" + parts[0] + "; " + parts[1] + ")";
}

}  // namespace

void Sink::add(std::string_view code, Span span, uint32_t stmt_line, std::string message,
               std::string fix) {
  const RuleInfo* rule = find_rule(code);
  assert(rule != nullptr && "every code a rule reports is in kRules");
  add_at(rule != nullptr ? rule->severity : Severity::error, code, span, stmt_line,
         std::move(message), std::move(fix));
}

void Sink::add_at(Severity severity, std::string_view code, Span span, uint32_t stmt_line,
                  std::string message, std::string fix) {
  // One landmine, one finding: a compose anchor merged into three services, or a script line
  // read with the values of two if/elif branches, is one place to fix.
  for (const Finding& f : out_) {
    if (f.code == code && f.span.begin == span.begin) return;
  }
  message += origin_note(doc_, span, message);
  const RuleInfo* rule = find_rule(code);
  out_.push_back(Finding{doc_.file, span, stmt_line, severity, std::string(code),
                         std::move(message), std::move(fix), rule == nullptr || rule->counts});
}

// HR001: what the file takes from outside, where a rule would have checked it: a sourced file
// that is not here to read, a memory or speculative flag whose value is a variable the file
// never sets. Said (info, not counted) instead of guessed.
void check_values(const Document& doc, const CheckOptions&, Sink& sink) {
  for (const Outside& o : doc.outside) {
    sink.add("HR001", o.span, o.span.begin.line,
             fmt::format("`{}` is not read ({}): the values it sets are not known here, and "
                         "the defaults this file gives were checked in their place",
                         o.what, o.why),
             o.beside ? "keep the sourced file beside the script, or give the values in this file"
                      : "give the values (or defaults) in this file; lint that file on its own");
  }
  static constexpr std::string_view kChecked[] = {"--mem-fraction-static",
                                                  "--gpu-memory-utilization",
                                                  "--speculative-eagle-topk",
                                                  "--moe-runner-backend",
                                                  "--speculative-num-draft-tokens",
                                                  "--speculative-num-steps",
                                                  "--attention-backend",
                                                  "--host"};
  for (const ServerCall& s : doc.servers) {
    if (s.variant) continue;
    for (std::string_view flag : kChecked) {
      const auto a = s.arg(flag);
      if (!a || !a->has_value || a->value.find('$') == std::string::npos) continue;
      sink.add("HR001", a->span, s.stmt_line,
               fmt::format("{} {}: the value comes from outside the file (the caller, an "
                           "environment file), so the rules on it were not checked",
                           flag, a->value),
               "give it a default in the file (${NAME:-0.75}) or lint the line that runs, with "
               "`headroom lint -- CMD…`");
    }
  }
}

}  // namespace headroom::lint
