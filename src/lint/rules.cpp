// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "lint/rules.h"

#include <array>

namespace headroom::lint {
namespace {

using S = Severity;

constexpr auto kRules = std::to_array<RuleInfo>({
    {"HR101", S::error, "docker --rm together with a --restart policy: docker refuses to start"},
    {"HR102", S::error, "flags before the image name that docker does not know"},
    {"HR103", S::warning, "a Docker restart policy on an inference server: no memory gate"},
    {"HR104", S::warning, "an SGLang/vLLM container with neither --ipc=host nor --shm-size"},
    {"HR105", S::info, "a server container without --name"},
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

void Sink::add(std::string_view code, Severity severity, Span span, uint32_t stmt_line,
               std::string message, std::string fix) {
  // One landmine, one finding: a compose anchor merged into three services is one place to fix.
  for (const Finding& f : out_) {
    if (f.code == code && f.span.begin == span.begin && f.message == message) return;
  }
  out_.push_back(Finding{doc_.file, span, stmt_line, severity, std::string(code),
                         std::move(message), std::move(fix)});
}

}  // namespace headroom::lint
