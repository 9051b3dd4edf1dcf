// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Every rule: realistic lines that fire it, and near misses that must not.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "lint/lint.h"

namespace headroom::lint {
namespace {
// Its own namespace: its helpers' names (codes, lint, find) are those of other test files that
// the unity build compiles with it.
namespace rules_test {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

CheckOptions fixture() {
  CheckOptions o;
  o.unit_root = HEADROOM_FIXTURES "/lint/unit-root";
  return o;
}

FileReport lint(std::string_view text, Kind kind, CheckOptions opt = fixture()) {
  FileReport r = lint_text("/nonexistent/t", text, kind, opt, Config{});
  EXPECT_FALSE(r.error) << r.error->message;
  return r;
}

std::vector<std::string> codes(std::string_view text, Kind kind = Kind::shell,
                               CheckOptions opt = fixture()) {
  std::vector<std::string> out;
  for (const Finding& f : lint(text, kind, opt).findings)
    out.push_back(f.code);
  return out;
}

const Finding* find(const FileReport& r, std::string_view code) {
  for (const Finding& f : r.findings) {
    if (f.code == code) return &f;
  }
  return nullptr;
}

CheckOptions discrete() {
  CheckOptions o = fixture();
  o.unified = false;
  return o;
}

// A server line that is clean on its own, to vary one thing at a time.
const std::string kSglang =
    "python3 -m sglang.launch_server --model-path /m --mem-fraction-static 0.75 --host 0.0.0.0 "
    "--port 30000";
const std::string kDocker = "docker run --rm --name s --gpus all --ipc=host lmsysorg/sglang:spark ";

// A unit that is clean, with one part replaced.
std::string unit(const std::string& service, const std::string& unit_extra = "") {
  return "[Unit]\nDescription=x\nAfter=network-online.target docker.service\n"
         "StartLimitIntervalSec=600\nStartLimitBurst=3\n" +
         unit_extra + "\n[Service]\n" + service + "\n[Install]\nWantedBy=multi-user.target\n";
}
const std::string kUnitDocker =
    "ExecStart=/usr/bin/docker run --rm --name s --gpus all --ipc=host img " + kSglang +
    "\nExecStop=/usr/bin/docker stop s\n";

TEST(Rules, CleanLinesAreClean) {
  EXPECT_THAT(codes(kDocker + kSglang), IsEmpty());
  EXPECT_THAT(codes(kSglang), IsEmpty());
  EXPECT_THAT(codes(unit(kUnitDocker), Kind::unit), IsEmpty());
}

TEST(Rules, HR101RmWithRestart) {
  const FileReport r = lint("docker run --rm --restart=always nginx", Kind::shell);
  ASSERT_THAT(r.findings, testing::SizeIs(1));
  EXPECT_EQ(r.findings[0].code, "HR101");
  EXPECT_EQ(r.findings[0].severity, Severity::error);
  EXPECT_EQ(r.findings[0].span.begin, (Pos{1, 17}));
  EXPECT_THAT(codes("docker run --rm --restart no nginx"), IsEmpty());
  EXPECT_THAT(codes("docker run --restart always nginx"), IsEmpty());
  EXPECT_THAT(codes("docker run --rm=false --restart always nginx"), IsEmpty());
}

TEST(Rules, HR102FlagsBeforeTheImage) {
  const FileReport r = lint(
      "docker run --rm --name s --ipc=host \\\n  --attention-backend triton lmsysorg/sglang:spark "
      "python3 -m sglang.launch_server --mem-fraction-static 0.7",
      Kind::shell);
  const Finding* f = find(r, "HR102");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->span.begin, (Pos{2, 3}));
  EXPECT_NE(f->message.find("--attention-backend"), std::string::npos);
  // Docker's own flags, in all their spellings, and server flags after the image are fine.
  EXPECT_THAT(codes("docker run -it --rm --init -e A=1 --shm-size=8g -p8000:8000 --name s "
                    "lmsysorg/sglang:spark " +
                    kSglang + " --attention-backend triton"),
              IsEmpty());
}

TEST(Rules, HR103RestartPolicyOnAServer) {
  EXPECT_THAT(codes("docker run -d --restart unless-stopped --name s --ipc=host "
                    "lmsysorg/sglang:spark " +
                    kSglang),
              ElementsAre("HR103"));
  EXPECT_THAT(codes("services:\n  llm:\n    image: vllm/vllm-openai\n    restart: always\n"
                    "    ipc: host\n    command: [\"--gpu-memory-utilization\", \"0.7\"]\n",
                    Kind::compose),
              ElementsAre("HR103"));
  EXPECT_THAT(codes("docker run -d --restart always --name web nginx"), IsEmpty());
  EXPECT_THAT(
      codes("docker run -d --restart no --name s --ipc=host lmsysorg/sglang:spark " + kSglang),
      IsEmpty());
  EXPECT_THAT(codes("services:\n  llm:\n    image: vllm/vllm-openai\n    restart: \"no\"\n"
                    "    ipc: host\n    command: [\"--gpu-memory-utilization\", \"0.7\"]\n",
                    Kind::compose),
              IsEmpty());
}

TEST(Rules, HR104NoSharedMemory) {
  EXPECT_THAT(codes("docker run --rm --name s lmsysorg/sglang:spark " + kSglang),
              ElementsAre("HR104"));
  EXPECT_THAT(codes("docker run --rm --name s --ipc host lmsysorg/sglang:spark " + kSglang),
              IsEmpty());
  EXPECT_THAT(codes("docker run --rm --name s --shm-size 16g lmsysorg/sglang:spark " + kSglang),
              IsEmpty());
  EXPECT_THAT(codes("docker run --rm --name s --ipc=private lmsysorg/sglang:spark " + kSglang),
              ElementsAre("HR104"));
  EXPECT_THAT(codes("docker run --rm --name web nginx"), IsEmpty());  // not a server
}

TEST(Rules, HR105NoName) {
  const FileReport r =
      lint("docker run --rm --ipc=host lmsysorg/sglang:spark " + kSglang, Kind::shell);
  ASSERT_NE(find(r, "HR105"), nullptr);
  EXPECT_EQ(find(r, "HR105")->severity, Severity::info);
  EXPECT_THAT(codes(kDocker + kSglang), IsEmpty());
  // Compose names its containers itself.
  EXPECT_THAT(codes("services:\n  s:\n    image: lmsysorg/sglang:spark\n    ipc: host\n"
                    "    command: " +
                        kSglang + "\n",
                    Kind::compose),
              IsEmpty());
}

// Linted where it is installed (/etc/systemd/system/…): what is missing here is missing where it
// runs.
FileReport lint_installed(std::string_view text, CheckOptions opt = fixture()) {
  FileReport r =
      lint_text(opt.unit_root + "/etc/systemd/system/t.service", text, Kind::unit, opt, Config{});
  EXPECT_FALSE(r.error) << r.error->message;
  return r;
}

TEST(Rules, HR201UnitsThatDoNotExist) {
  const FileReport r = lint_installed(
      unit(kUnitDocker, "After=nvidia-gpu-reset.target models.mount\nWants=nope.service"));
  std::vector<std::string> msgs;
  for (const Finding& f : r.findings) {
    ASSERT_EQ(f.code, "HR201");
    msgs.push_back(f.message);
  }
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_NE(msgs[0].find("mig-parted"), std::string::npos);
  EXPECT_NE(msgs[1].find("nope.service"), std::string::npos);
  EXPECT_EQ(r.findings[0].span.begin, (Pos{6, 7}));
  // Templates, specifiers and systemd's own targets exist.
  EXPECT_THAT(
      codes(unit(kUnitDocker, "After=getty@tty1.service %i.mount time-sync.target"), Kind::unit),
      IsEmpty());
  // From a checkout (not installed), a unit of its own project may come with it: only the
  // known-absent target and misspellings of units that are here are named.
  const FileReport checkout = lint(
      unit(kUnitDocker, "After=nvidia-gpu-reset.target nope.service docker.servce"), Kind::unit);
  ASSERT_EQ(checkout.findings.size(), 2u);
  EXPECT_NE(checkout.findings[0].message.find("mig-parted"), std::string::npos);
  EXPECT_NE(checkout.findings[1].message.find("docker.servce: no such unit"), std::string::npos);
  EXPECT_NE(checkout.findings[1].message.find("(did you mean docker.service?)"), std::string::npos)
      << checkout.findings[1].message;
  // systemd's own units are there (a podman quadlet beside the file, ollama.container for
  // ollama.service, too: the corpus's a9650615-aipc-strix-halo/vllm.container).
  EXPECT_THAT(lint_installed(unit(kUnitDocker, "After=systemd-machined.service")).findings,
              IsEmpty());
  // Where no unit search path exists under the root, only the known-absent target is named.
  CheckOptions bare = fixture();
  bare.unit_root = "/nonexistent";
  EXPECT_THAT(
      codes(unit(kUnitDocker, "After=nvidia-gpu-reset.target foo.service"), Kind::unit, bare),
      ElementsAre("HR201"));
}

// The NVIDIA driver's own units (nvidia-persistenced.service) are looked for only where the
// driver is: a laptop or a CI runner that lints a DGX Spark's unit has none of them. Seen:
// crothmeier/openaiLLM scripts/systemd/vllm.service (tests/fixtures/lint/real).
TEST(Rules, HR201LeavesTheDriversUnitsToMachinesWithTheDriver) {
  const std::string after = "After=nvidia-persistenced.service";
  EXPECT_THAT(codes(unit(kUnitDocker, after), Kind::unit), IsEmpty());  // no driver in the root
  const std::string root = ::testing::TempDir() + "/hr201-driver-" + std::to_string(::getpid());
  std::filesystem::create_directories(root + "/etc/systemd/system");
  std::filesystem::create_directories(root + "/proc/driver/nvidia");
  std::ofstream(root + "/etc/systemd/system/docker.service") << "[Unit]\n";
  CheckOptions gpu = fixture();
  gpu.unit_root = root;
  EXPECT_EQ(lint_installed(unit(kUnitDocker, after), gpu).findings.size(), 1u)
      << "the driver is there and its unit is not";
  std::ofstream(root + "/etc/systemd/system/nvidia-persistenced.service") << "[Unit]\n";
  EXPECT_THAT(lint_installed(unit(kUnitDocker, after), gpu).findings, IsEmpty());
  std::filesystem::remove_all(root);
}

TEST(Rules, HR202FastRestartWithoutAGate) {
  const std::string restart = "Restart=always\nRestartSec=30\n";
  // A memory gate under another name counts (seen: gb10_check_mem_available.sh); a docker
  // housekeeping command does not.
  EXPECT_THAT(
      codes(unit("ExecStartPre=/opt/gb10/gb10_check_mem_available.sh 70\n" + kUnitDocker + restart),
            Kind::unit),
      IsEmpty());
  EXPECT_THAT(
      codes(unit("ExecStartPre=-/usr/bin/docker rm -f s\n" + kUnitDocker + restart), Kind::unit),
      ElementsAre("HR202"));
  EXPECT_THAT(codes(unit(kUnitDocker + restart), Kind::unit), ElementsAre("HR202"));
  EXPECT_THAT(codes(unit(kUnitDocker + "Restart=on-failure\n"), Kind::unit),
              ElementsAre("HR202"));  // the default 100 ms
  EXPECT_THAT(codes(unit(kUnitDocker + "Restart=always\nRestartSec=2min\n"), Kind::unit),
              IsEmpty());
  EXPECT_THAT(codes(unit("ExecStartPre=/usr/local/bin/headroom wait --free 70G --timeout 60s\n" +
                         kUnitDocker + restart),
                    Kind::unit),
              IsEmpty());
  EXPECT_THAT(
      codes(unit("ExecStart=/usr/local/bin/headroom run --free 70G -- " + kSglang + "\n" + restart),
            Kind::unit),
      IsEmpty());
  EXPECT_THAT(codes(unit(kUnitDocker + "Restart=no\nRestartSec=1\n"), Kind::unit), IsEmpty());
}

TEST(Rules, HR203StartLimits) {
  const std::string body = kUnitDocker + "Restart=always\nRestartSec=90\n";
  const std::string no_limits =
      "[Unit]\nDescription=x\n[Service]\n" + body + "[Install]\nWantedBy=multi-user.target\n";
  const FileReport r = lint(no_limits, Kind::unit);
  ASSERT_THAT(r.findings, testing::SizeIs(1));
  EXPECT_EQ(r.findings[0].code, "HR203");
  EXPECT_EQ(r.findings[0].severity, Severity::warning);
  const FileReport in_service = lint(
      "[Unit]\nDescription=x\nStartLimitBurst=3\n[Service]\nStartLimitIntervalSec=600\n" + body,
      Kind::unit);
  ASSERT_NE(find(in_service, "HR203"), nullptr);
  EXPECT_EQ(find(in_service, "HR203")->severity, Severity::error);
  EXPECT_EQ(find(in_service, "HR203")->span.begin, (Pos{5, 1}));
  EXPECT_THAT(codes(unit(body), Kind::unit), IsEmpty());
  EXPECT_THAT(codes("[Unit]\nDescription=x\n[Service]\n" + kUnitDocker, Kind::unit),
              IsEmpty());  // no Restart=
}

TEST(Rules, HR204StartTimeoutShorterThanTheWait) {
  const std::string wait = "ExecStartPre=/usr/local/bin/headroom wait --free 70G --timeout 300s\n";
  EXPECT_THAT(codes(unit(wait + kUnitDocker), Kind::unit), ElementsAre("HR204"));
  EXPECT_THAT(
      codes(unit("ExecStartPre=/usr/local/bin/headroom wait 70 300\n" + kUnitDocker), Kind::unit),
      ElementsAre("HR204"));
  EXPECT_THAT(
      codes(unit("ExecStartPre=/opt/sglang-wait-memory.sh 70 300\n" + kUnitDocker), Kind::unit),
      ElementsAre("HR204"));
  EXPECT_THAT(codes(unit(wait + kUnitDocker + "TimeoutStartSec=2min\n"), Kind::unit),
              ElementsAre("HR204"));
  EXPECT_THAT(codes(unit(wait + kUnitDocker + "TimeoutStartSec=400\n"), Kind::unit), IsEmpty());
  EXPECT_THAT(codes(unit(wait + kUnitDocker + "TimeoutStartSec=infinity\n"), Kind::unit),
              IsEmpty());
  EXPECT_THAT(codes(unit(wait + kUnitDocker + "TimeoutSec=0\n"), Kind::unit), IsEmpty());
  EXPECT_THAT(codes(unit("ExecStartPre=/usr/local/bin/headroom wait --free 70G --timeout 60s\n" +
                         kUnitDocker),
                    Kind::unit),
              IsEmpty());
}

TEST(Rules, HR205DetachedUnderTypeSimple) {
  const std::string detached = "ExecStart=/usr/bin/docker run -d --rm --name s --ipc=host img " +
                               kSglang + "\nExecStop=/usr/bin/docker stop s\n";
  EXPECT_THAT(codes(unit(detached), Kind::unit), ElementsAre("HR205"));
  EXPECT_THAT(codes(unit("Type=exec\n" + detached), Kind::unit), ElementsAre("HR205"));
  EXPECT_THAT(codes(unit("Type=forking\n" + detached), Kind::unit), IsEmpty());
  EXPECT_THAT(codes(unit(kUnitDocker), Kind::unit), IsEmpty());
}

TEST(Rules, HR206NoExecStop) {
  const std::string run =
      "ExecStart=/usr/bin/docker run --rm --name s --ipc=host img " + kSglang + "\n";
  const FileReport r = lint(unit(run), Kind::unit);
  ASSERT_THAT(r.findings, testing::SizeIs(1));
  EXPECT_EQ(r.findings[0].code, "HR206");
  EXPECT_EQ(r.findings[0].fix, "add ExecStop=/usr/bin/docker stop s");
  EXPECT_THAT(codes(unit(run + "ExecStop=/usr/bin/docker kill s\n"), Kind::unit), IsEmpty());
  EXPECT_THAT(codes(unit(run + "ExecStop=/usr/bin/docker container stop s\n"), Kind::unit),
              IsEmpty());
  // A cleanup script (seen in published units: env -i ... bash stop-vllm.sh), docker rm -f,
  // docker compose down: each stops it.
  for (const std::string stop :
       {"ExecStop=/usr/bin/env -i PATH=/usr/bin /bin/bash /opt/vllm/stop.sh s\n",
        "ExecStop=/usr/bin/docker rm -f s\n", "ExecStop=/usr/bin/docker compose down\n"}) {
    EXPECT_THAT(codes(unit(run + stop), Kind::unit), IsEmpty()) << stop;
  }
  // The near miss: a docker command that stops nothing.
  EXPECT_THAT(codes(unit(run + "ExecStop=/usr/bin/docker logs s\n"), Kind::unit),
              ElementsAre("HR206"));
}

// systemd reads past a line that is not Key=Value ("Missing '=', ignoring line"): a warning on
// that line, the rest linted; an empty line in a continuation cuts the value short: an error
// there, and the lines after it are lines of their own.
TEST(Rules, HR213HR214WhatSystemdReadsPast) {
  const FileReport stray = lint(
      "vi /etc/systemd/system/vllm.service\n" + unit(kUnitDocker + "Restart=always\n"), Kind::unit);
  ASSERT_EQ(stray.findings.size(), 2u);
  EXPECT_EQ(stray.findings[0].code, "HR213");
  EXPECT_EQ(stray.findings[0].span.begin.line, 1u);
  EXPECT_EQ(stray.findings[0].severity, Severity::warning);
  EXPECT_EQ(stray.findings[1].code, "HR202") << "the rest of the file is still linted";
  EXPECT_THAT(codes("Description=x\n" + unit(kUnitDocker), Kind::unit), ElementsAre("HR213"));

  const FileReport cut = lint(unit("ExecStart=/usr/bin/docker run --rm --name s --ipc=host img \\\n"
                                   "    python3 -m sglang.launch_server --model-path /m \\\n"
                                   "\n"
                                   "    --mem-fraction-static 0.75\n"
                                   "ExecStop=/usr/bin/docker stop s\n"),
                              Kind::unit);
  std::vector<std::pair<std::string, uint32_t>> got;
  for (const Finding& f : cut.findings)
    got.emplace_back(f.code, f.span.begin.line);
  // Lines: 1 [Unit] .. 6 empty, 7 [Service], 8-9 ExecStart=, 10 the empty line, 11 the flag.
  EXPECT_THAT(
      got, testing::UnorderedElementsAre(testing::Pair("HR214", 10u), testing::Pair("HR213", 11u),
                                         testing::Pair("HR306", 9u)))
      << "systemd runs SGLang without the fraction that came after the empty line";
  // The near miss: a comment line inside a continuation is skipped, as systemd does.
  EXPECT_THAT(codes(unit("ExecStart=/usr/bin/docker run --rm --name s --ipc=host img \\\n"
                         "# a comment\n    " +
                         kSglang + "\nExecStop=/usr/bin/docker stop s\n"),
                    Kind::unit),
              IsEmpty());
}

TEST(Rules, HR209MemoryMaxAroundDockerRun) {
  const FileReport r = lint(unit(kUnitDocker + "MemoryMax=100G\n"), Kind::unit);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].code, "HR209");
  EXPECT_EQ(r.findings[0].span.begin.line, 10u);
  // Near misses: the container has its own limit; a plain process is bounded by it.
  EXPECT_THAT(codes(unit("ExecStart=/usr/bin/docker run --rm --name s --memory 100g --ipc=host "
                         "img " +
                         kSglang + "\nExecStop=/usr/bin/docker stop s\nMemoryMax=256M\n"),
                    Kind::unit),
              IsEmpty());
  EXPECT_THAT(codes(unit("ExecStart=/usr/bin/" + kSglang + "\nMemoryMax=100G\n"), Kind::unit),
              IsEmpty());
}

TEST(Rules, HR210UserUnitOrderedOnSystemUnits) {
  const std::string user =
      "[Unit]\nDescription=x\nAfter=network-online.target\n"
      "Wants=network-online.target\nStartLimitIntervalSec=600\n"
      "StartLimitBurst=3\n[Service]\nExecStart=%h/bin/" +
      kSglang + "\n[Install]\nWantedBy=default.target\n";
  const FileReport r = lint(user, Kind::unit);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].code, "HR210");
  EXPECT_EQ(r.findings[0].span.begin, (Pos{3, 7}));
  // Its text names the user manager instead (systemctl --user in a comment).
  const size_t home = user.find("%h/bin/");
  const std::string named = user.substr(0, home) + "/usr/bin/" + user.substr(home + 7);
  EXPECT_THAT(codes("# systemctl --user enable --now x\n" + named, Kind::unit),
              ElementsAre("HR210"));
  // Near miss: the same unit as a system unit (no %h, WantedBy=multi-user.target).
  EXPECT_THAT(codes(unit("ExecStart=/usr/bin/" + kSglang + "\n"), Kind::unit), IsEmpty());
}

TEST(Rules, HR211OneshotRemainAfterExitDetached) {
  const std::string run = "ExecStart=/usr/bin/docker run -d --rm --name s --ipc=host img " +
                          kSglang + "\nExecStop=/usr/bin/docker stop s\n";
  EXPECT_THAT(codes(unit("Type=oneshot\nRemainAfterExit=yes\n" + run), Kind::unit),
              ElementsAre("HR211"));
  // Near miss: a oneshot that does not remain (a setup step) is not a server's unit.
  EXPECT_THAT(codes(unit("Type=oneshot\n" + run), Kind::unit), IsEmpty());
}

TEST(Rules, HR212PrivateDevicesHidesTheGpu) {
  EXPECT_THAT(codes(unit("ExecStart=/usr/bin/" + kSglang + "\nPrivateDevices=yes\n"), Kind::unit),
              ElementsAre("HR212"));
  EXPECT_THAT(
      codes(unit("ExecStart=/usr/bin/llama-server -m /m.gguf\nPrivateDevices=true\n"), Kind::unit),
      ElementsAre("HR212"));
  // Near misses: a container's devices come from dockerd; PrivateDevices=no.
  EXPECT_THAT(codes(unit(kUnitDocker + "PrivateDevices=yes\n"), Kind::unit), IsEmpty());
  EXPECT_THAT(codes(unit("ExecStart=/usr/bin/" + kSglang + "\nPrivateDevices=no\n"), Kind::unit),
              IsEmpty());
}

TEST(Rules, HR307SglangOnLoopbackBehindAPublishedPort) {
  const std::string bare =
      "python3 -m sglang.launch_server --model-path /m --mem-fraction-static 0.75 --port 30000";
  const FileReport r =
      lint("docker run --rm --name s --ipc=host -p 30000:30000 lmsysorg/sglang:spark " + bare,
           Kind::shell);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].code, "HR307");
  EXPECT_NE(r.findings[0].message.find("(its default)"), std::string::npos);
  EXPECT_THAT(codes("docker run --rm --name s --ipc=host -p 30000:30000 lmsysorg/sglang:spark " +
                    bare + " --host 127.0.0.1"),
              ElementsAre("HR307"));
  // Near misses: --network host; nothing published; --host 0.0.0.0.
  EXPECT_THAT(
      codes("docker run --rm --name s --ipc=host --network host lmsysorg/sglang:spark " + bare),
      IsEmpty());
  EXPECT_THAT(codes("docker run --rm --name s --ipc=host lmsysorg/sglang:spark " + bare),
              IsEmpty());
  EXPECT_THAT(codes("services:\n  s:\n    image: lmsysorg/sglang:spark\n    ipc: host\n"
                    "    ports: [\"30000:30000\"]\n    command: " +
                        bare + "\n",
                    Kind::compose),
              ElementsAre("HR307"));
}

TEST(Rules, HR353HealthcheckOnVllmsHealth) {
  const std::string svc =
      "services:\n  v:\n    image: vllm/vllm-openai:latest\n    ipc: host\n"
      "    command: --model /m --gpu-memory-utilization 0.75\n"
      "    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", ";
  const FileReport r = lint(svc + "\"http://localhost:8000/health\"]\n", Kind::compose);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].code, "HR353");
  EXPECT_EQ(r.findings[0].span.begin.line, 7u);
  // Through a merge key: reported once, where the check is written.
  EXPECT_THAT(
      codes("x-hc: &hc\n  test: curl -sf http://localhost:8000/health\n" +
                svc.substr(0, svc.find("    healthcheck")) + "    healthcheck:\n      <<: *hc\n",
            Kind::compose),
      ElementsAre("HR353"));
  // Near misses: a generation or the model list; SGLang's /health (it runs a generation).
  EXPECT_THAT(codes(svc + "\"http://localhost:8000/v1/models\"]\n", Kind::compose), IsEmpty());
  EXPECT_THAT(codes("docker run --rm --name s --ipc=host --health-cmd 'curl -f "
                    "http://localhost:30000/health' lmsysorg/sglang:spark " +
                    kSglang),
              IsEmpty());
  EXPECT_THAT(codes("docker run --rm --name v --ipc=host --health-cmd 'curl -f "
                    "http://localhost:8000/health || exit 1' vllm/vllm-openai --model /m "
                    "--gpu-memory-utilization 0.75"),
              ElementsAre("HR353"));
}

TEST(Rules, HR354MemoryVariablesVllmDoesNotRead) {
  const FileReport r = lint(
      "services:\n  v:\n    image: vllm/vllm-openai:latest\n    ipc: host\n    environment:\n"
      "      - VLLM_GPU_MEMORY_UTILIZATION=0.95\n      - VLLM_MEMORY_FRACTION=0.95\n"
      "      - VLLM_USE_V1=1\n    command: --model /m --gpu-memory-utilization 0.75\n",
      Kind::compose);
  std::vector<std::pair<std::string, uint32_t>> got;
  for (const Finding& f : r.findings)
    got.emplace_back(f.code, f.span.begin.line);
  EXPECT_THAT(got, ElementsAre(testing::Pair("HR354", 6u), testing::Pair("HR354", 7u)));
  // Near miss: the same variable in a container whose launcher script reads it (no vLLM command
  // here to tell).
  EXPECT_THAT(codes("services:\n  v:\n    build: ./vllm\n    ipc: host\n    environment:\n"
                    "      - VLLM_GPU_MEMORY_UTILIZATION=0.9\n    entrypoint: [/bin/bash, "
                    "/app/launch_server.sh]\n",
                    Kind::compose),
              IsEmpty());
}

// The image's entrypoint: vllm/vllm-openai runs `vllm serve`, so the words after the image are
// vLLM's own (its documented `MODEL --flags` form); a given entrypoint replaces it (a shell or a
// python -c one-shot is not a server); a build: service is known by its build context.
TEST(Rules, ImagesEntrypointsAndBuildServices) {
  EXPECT_THAT(codes("docker run --rm --name v --ipc=host vllm/vllm-openai:v0.11.0 Qwen/Qwen3-8B "
                    "--gpu-memory-utilization 0.95"),
              ElementsAre("HR351"));
  EXPECT_THAT(codes("docker run --rm --name v --ipc=host vllm/vllm-openai:v0.11.0 Qwen/Qwen3-8B "
                    "--gpu-memory-utilization 0.75"),
              IsEmpty());
  EXPECT_THAT(codes("docker run --rm -it --entrypoint /bin/bash vllm/vllm-openai:latest"),
              IsEmpty());
  EXPECT_THAT(codes("docker run --rm --entrypoint python3 vllm/vllm-openai:latest -c "
                    "\"from huggingface_hub import snapshot_download; snapshot_download('m')\""),
              IsEmpty());
  EXPECT_THAT(codes("docker run -d --restart unless-stopped --name l --gpus all "
                    "ghcr.io/ggml-org/llama.cpp:server-cuda -m /m.gguf"),
              ElementsAre("HR103"));  // llama.cpp: restart policy only (no shm/flag rules)
  const std::string build =
      "services:\n  vllm-service:\n    build:\n      context: ../services/vllm\n"
      "    restart: unless-stopped\n    ipc: host\n";
  EXPECT_THAT(codes(build, Kind::compose), ElementsAre("HR103"));
  // Near miss: a build: client named after the server it talks to.
  EXPECT_THAT(codes("services:\n  vllm-benchmark:\n    build:\n      context: .\n"
                    "      dockerfile: Dockerfile.benchmark\n    restart: unless-stopped\n",
                    Kind::compose),
              IsEmpty());
}

TEST(Rules, HR401SharesAddUpPastThePool) {
  const auto svc = [](const std::string& name, const std::string& share,
                      const std::string& extra = "") {
    return "  " + name + ":\n    image: vllm/vllm-openai\n    ipc: host\n" + extra +
           "    command: --model /m --gpu-memory-utilization " + share + "\n";
  };
  const FileReport r = lint("services:\n" + svc("a", "0.4") + svc("b", "0.7"), Kind::compose);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].code, "HR401");
  EXPECT_EQ(r.findings[0].span.begin.line, 9u);
  EXPECT_NE(r.findings[0].message.find("vLLM 0.4 + vLLM 0.7 = 1.10"), std::string::npos);
  // Two detached containers of a script, an SGLang fraction among them.
  EXPECT_THAT(codes("docker run -d --rm --name a --ipc=host vllm/vllm-openai --model /m "
                    "--gpu-memory-utilization 0.5\n"
                    "docker run -d --rm --name b --ipc=host lmsysorg/sglang:spark " +
                    kSglang + "\n"),
              ElementsAre("HR401"));
  // Near misses: they fit; one is in a profile; alternatives in a script.
  EXPECT_THAT(codes("services:\n" + svc("a", "0.4") + svc("b", "0.5"), Kind::compose), IsEmpty());
  EXPECT_THAT(codes("services:\n" + svc("a", "0.4") + svc("b", "0.7", "    profiles: [big]\n"),
                    Kind::compose),
              IsEmpty());
  EXPECT_THAT(codes("if [ \"$1\" = a ]; then vllm serve /m --gpu-memory-utilization 0.7\n"
                    "else vllm serve /n --gpu-memory-utilization 0.7; fi\n"),
              IsEmpty());
}

// vLLM without --gpu-memory-utilization claims its default 0.9: two such services started
// together are 1.8 of one pool (seen: gtoscano/SparkTransformer docker-compose.yml). The finding
// is on the second server's command, where the flag belongs.
TEST(Rules, HR401CountsVllmsDefault) {
  const std::string bare =
      "services:\n  a:\n    image: vllm/vllm-openai\n    ipc: host\n    command: --model /m\n"
      "  b:\n    image: vllm/vllm-openai\n    ipc: host\n    command: --model /n\n";
  const FileReport r = lint(bare, Kind::compose);
  const Finding* f = find(r, "HR401");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->span.begin.line, 9u);
  EXPECT_NE(f->message.find("vLLM 0.9 (default) + vLLM 0.9 (default) = 1.80"), std::string::npos)
      << f->message;
  // Near miss: one default beside a small written share fits (0.9 + 0.05).
  const std::string small =
      "services:\n  a:\n    image: vllm/vllm-openai\n    ipc: host\n    command: --model /m\n"
      "  b:\n    image: vllm/vllm-openai\n    ipc: host\n"
      "    command: --model /n --gpu-memory-utilization 0.05\n";
  EXPECT_EQ(find(lint(small, Kind::compose), "HR401"), nullptr);
}

// HR106: a command the shell ends at a line break the author meant to continue. A comment that
// swallows the `\\` (luongnv89/dgx-spark-llm-lab start-qwen.sh), a folded YAML block whose
// more-indented lines keep their line breaks inside `bash -c` (timothystewart6/vllm-gb10). The
// flags are linted as the command's own.
TEST(Rules, HR106ACommandTheShellEndsEarly) {
  const std::string comment =
      "exec docker run --rm --name s \\\n"
      "  --network host   # required: host networking \\\n"
      "  --ipc host \\\n"
      "  vllm/vllm-openai --model /m --gpu-memory-utilization 0.95\n";
  const FileReport r = lint(comment, Kind::shell);
  const Finding* f = find(r, "HR106");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->span.begin.line, 2u) << "on the comment";
  EXPECT_NE(f->message.find("this comment ends the command"), std::string::npos);
  EXPECT_NE(find(r, "HR351"), nullptr)
      << "the rest of the line read as meant: " << r.findings.size();
  const std::string folded =
      "services:\n  head:\n    image: vllm/vllm-openai\n    ipc: host\n"
      "    entrypoint: [\"/bin/bash\", \"-c\"]\n"
      "    command:\n"
      "      - >-\n"
      "        ray start --head\n"
      "        && vllm serve /m\n"
      "          --host 0.0.0.0\n"
      "          --gpu-memory-utilization 0.75\n";
  const FileReport y = lint(folded, Kind::compose);
  const Finding* g = find(y, "HR106");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->span.begin.line, 10u) << "on the first flag line";
  EXPECT_EQ(find(y, "HR351"), nullptr) << "0.75, read as meant";
  // Near misses: case patterns; a flag after `;`; a quoted word; a compose command that is the
  // server's arguments; a folded block at one indentation (folded into one line).
  EXPECT_THAT(codes("case \"$1\" in\n  --port) P=$2; shift ;;\n  -d|--detach) D=1 ;;\nesac\n"),
              IsEmpty());
  EXPECT_THAT(codes("echo a; --version\n"), IsEmpty());
  EXPECT_THAT(codes("printf '%s\\n' x\n\"--not-a-flag\"\n"), IsEmpty());
  EXPECT_THAT(codes("services:\n  s:\n    image: vllm/vllm-openai\n    ipc: host\n"
                    "    command: >\n      --model /m\n      --gpu-memory-utilization 0.7\n",
                    Kind::compose),
              IsEmpty());
  EXPECT_THAT(codes("services:\n  s:\n    image: vllm/vllm-openai\n    ipc: host\n"
                    "    entrypoint: [\"/bin/bash\", \"-c\"]\n    command:\n      - >-\n"
                    "        vllm serve /m\n        --gpu-memory-utilization 0.7\n",
                    Kind::compose),
              IsEmpty());
}

TEST(Rules, HR207NameConflictOnRestart) {
  const std::string named = "ExecStart=/usr/bin/docker run --name s --ipc=host img " + kSglang +
                            "\nExecStop=/usr/bin/docker stop s\n";
  EXPECT_THAT(codes(unit(named), Kind::unit), ElementsAre("HR207"));
  EXPECT_THAT(codes(unit("ExecStartPre=-/usr/bin/docker rm -f s\n" + named), Kind::unit),
              IsEmpty());
  EXPECT_THAT(codes(unit(kUnitDocker), Kind::unit), IsEmpty());  // --rm
  EXPECT_THAT(codes(unit("ExecStartPre=-/usr/bin/docker rm -f other\n" + named), Kind::unit),
              ElementsAre("HR207"));
}

TEST(Rules, ADockerLineUnderHeadroomRunIsHeadroomsToStop) {
  // No ExecStop=, no --rm, a --name: headroom run stops and removes the container itself.
  const std::string under_run =
      "Type=notify\nExecStart=/usr/local/bin/headroom run --free 70G -- "
      "/usr/bin/docker run --name s --ipc=host img " +
      kSglang + "\n";
  EXPECT_THAT(codes(unit(under_run), Kind::unit), IsEmpty());
  // The container's own landmines are still found.
  EXPECT_THAT(codes(unit("ExecStart=/usr/local/bin/headroom run --free 70G -- /usr/bin/docker "
                         "run --rm --restart always --name s --ipc=host img " +
                         kSglang + "\n"),
                    Kind::unit),
              testing::UnorderedElementsAre("HR101", "HR103"));
}

TEST(Rules, HR208TwoSupervisors) {
  const std::string both =
      "ExecStartPre=/usr/local/bin/headroom wait --free 70G --timeout 60s\n"
      "ExecStart=/usr/bin/docker run --restart on-failure --name s "
      "--ipc=host img " +
      kSglang +
      "\nExecStartPre=-/usr/bin/docker rm -f s\n"
      "ExecStop=/usr/bin/docker stop s\nRestart=on-failure\n";
  const auto c = codes(unit(both), Kind::unit);
  EXPECT_THAT(c, Contains("HR208"));
  EXPECT_THAT(c, Contains("HR103"));
  std::string no_restart = both;
  no_restart.replace(no_restart.find("Restart=on-failure"), 18, "Restart=no");
  EXPECT_THAT(codes(unit(no_restart), Kind::unit), Not(Contains("HR208")));
}

TEST(Rules, HR301TopkAboveOneUnderSpecV2) {
  const std::string spec = " --speculative-algorithm EAGLE --speculative-eagle-topk 4";
  const FileReport on = lint(kDocker.substr(0, 11) + "-e SGLANG_ENABLE_SPEC_V2=True " +
                                 kDocker.substr(11) + kSglang + spec,
                             Kind::shell);
  ASSERT_NE(find(on, "HR301"), nullptr);
  EXPECT_EQ(find(on, "HR301")->severity, Severity::error);
  const FileReport unset = lint(kDocker + kSglang + spec, Kind::shell);
  ASSERT_NE(find(unset, "HR301"), nullptr);
  EXPECT_EQ(find(unset, "HR301")->severity, Severity::warning);
  // Exported in a script, for a server run directly.
  const FileReport exported =
      lint("export SGLANG_ENABLE_SPEC_V2=1\n" + kSglang + spec, Kind::shell);
  EXPECT_EQ(find(exported, "HR301")->severity, Severity::error);
  EXPECT_THAT(codes("SGLANG_ENABLE_SPEC_V2=0 " + kSglang + spec), IsEmpty());
  EXPECT_THAT(codes("SGLANG_ENABLE_SPEC_V2=False " + kSglang + spec), IsEmpty());
  EXPECT_THAT(codes(kSglang + " --speculative-algorithm EAGLE --speculative-eagle-topk 1"),
              IsEmpty());
}

TEST(Rules, HR302MemFractionAboveEightyPercent) {
  const FileReport r =
      lint(kDocker + "python3 -m sglang.launch_server --mem-fraction-static 0.88", Kind::shell);
  ASSERT_NE(find(r, "HR302"), nullptr);
  EXPECT_EQ(find(r, "HR302")->span.begin.col,
            kDocker.size() + 33);  // 1-based, after "python3 -m sglang.launch_server "
  EXPECT_THAT(codes("python3 -m sglang.launch_server --mem-fraction-static=0.81"),
              ElementsAre("HR302"));
  EXPECT_THAT(codes("python3 -m sglang.launch_server --mem-fraction-static 0.80"), IsEmpty());
  EXPECT_THAT(
      codes("python3 -m sglang.launch_server --mem-fraction-static 0.9", Kind::shell, discrete()),
      IsEmpty());
}

TEST(Rules, HR303FlashInferOutsideTheBudget) {
  EXPECT_THAT(codes(kSglang + " --attention-backend flashinfer"), ElementsAre("HR303"));
  EXPECT_THAT(codes(kSglang + " --decode-attention-backend flashinfer"), ElementsAre("HR303"));
  EXPECT_THAT(codes(kSglang + " --moe-runner-backend flashinfer_cutlass"), ElementsAre("HR303"));
  EXPECT_THAT(codes(kSglang + " --moe-runner-backend flashinfer_cutlass "
                              "--disable-flashinfer-autotune"),
              IsEmpty());
  EXPECT_THAT(codes(kSglang + " --attention-backend triton"), IsEmpty());
  EXPECT_THAT(codes(kSglang + " --attention-backend flashinfer", Kind::shell, discrete()),
              IsEmpty());
}

TEST(Rules, HR304DraftTokensOverridden) {
  const std::string eagle = kSglang +
                            " --speculative-algorithm EAGLE --speculative-eagle-topk 1 "
                            "--speculative-num-steps 3";
  const FileReport r = lint(eagle + " --speculative-num-draft-tokens 16", Kind::shell);
  ASSERT_NE(find(r, "HR304"), nullptr);
  EXPECT_EQ(find(r, "HR304")->fix, "write --speculative-num-draft-tokens 4");
  EXPECT_THAT(codes(eagle + " --speculative-num-draft-tokens 4"), IsEmpty());
  EXPECT_THAT(codes(kSglang + " --speculative-eagle-topk 4 --speculative-num-steps 3 "
                              "--speculative-num-draft-tokens 16 --disable-flashinfer-autotune",
                    Kind::shell, discrete()),
              Not(Contains("HR304")));
}

TEST(Rules, HR305MoeRunnerBackend) {
  EXPECT_THAT(codes(kSglang + " --moe-runner-backend flashinfer", Kind::shell, discrete()),
              ElementsAre("HR305"));
  EXPECT_THAT(codes(kSglang + " --moe-runner-backend flashinfer_cutlass --quantization fp8",
                    Kind::shell, discrete()),
              ElementsAre("HR305"));
  EXPECT_THAT(codes(kSglang + " --moe-runner-backend flashinfer_cutlass --quantization "
                              "modelopt_fp4",
                    Kind::shell, discrete()),
              IsEmpty());
  EXPECT_THAT(
      codes(kSglang + " --moe-runner-backend triton --quantization fp8", Kind::shell, discrete()),
      IsEmpty());
}

TEST(Rules, HR306NoMemFractionOnUnifiedMemory) {
  EXPECT_THAT(codes("sglang serve --model-path /m"), ElementsAre("HR306"));
  EXPECT_THAT(codes("sglang serve --model-path /m", Kind::shell, discrete()), IsEmpty());
  EXPECT_THAT(codes("sglang serve --model-path /m --mem-fraction-static 0.7"), IsEmpty());
}

TEST(Rules, HR351GpuMemoryUtilization) {
  EXPECT_THAT(codes("vllm serve m --gpu-memory-utilization 0.9"), ElementsAre("HR351"));
  EXPECT_THAT(codes("vllm serve m --gpu_memory_utilization=0.95"), ElementsAre("HR351"));
  EXPECT_THAT(codes("vllm serve m"), ElementsAre("HR351"));
  EXPECT_THAT(codes("python3 -m vllm.entrypoints.openai.api_server --model m"),
              ElementsAre("HR351"));
  EXPECT_THAT(codes("vllm serve m --gpu-memory-utilization 0.8"), IsEmpty());
  EXPECT_THAT(codes("vllm serve m", Kind::shell, discrete()), IsEmpty());
  // The vllm/vllm-openai image's entrypoint is `vllm serve`: its arguments are vLLM's.
  EXPECT_THAT(codes("docker run --rm --name v --ipc=host vllm/vllm-openai --model m "
                    "--gpu-memory-utilization 0.92"),
              ElementsAre("HR351"));
}

TEST(Rules, HR352FlashInferAutotune) {
  EXPECT_THAT(codes("vllm serve m --gpu-memory-utilization 0.7 --enable-flashinfer-autotune"),
              ElementsAre("HR352"));
  EXPECT_THAT(codes("vllm serve m --gpu-memory-utilization 0.7 --no-enable-flashinfer-autotune"),
              IsEmpty());
}

TEST(Rules, ServersInsideShellC) {
  EXPECT_THAT(codes("docker run --rm --name s --ipc=host lmsysorg/sglang:spark bash -c "
                    "\"pip install x && python3 -m sglang.launch_server --mem-fraction-static "
                    "0.9\""),
              ElementsAre("HR302"));
}

TEST(Rules, EveryRuleHasItsOwnIdAndADocPage) {
  std::vector<std::string> ids;
  for (const RuleInfo& r : all_rules()) {
    ids.emplace_back(r.code);
    EXPECT_TRUE(std::ifstream(std::string(HEADROOM_SOURCE_DIR) + "/" + rule_doc(r.code)).good())
        << rule_doc(r.code) << " is missing";
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
  EXPECT_EQ(ids.size(), 33u);
}

// The rule table owns the severity: every finding of the fixtures and examples has its rule's,
// but for the two that report a lesser level on purpose (HR203's missing start limits, HR301
// with spec v2 not asked for).
TEST(Rules, FindingsHaveTheirRulesSeverity) {
  size_t findings = 0;
  for (const std::string& root :
       {std::string(HEADROOM_FIXTURES) + "/lint", std::string(HEADROOM_SOURCE_DIR) + "/examples"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
      const std::string ext = entry.path().extension().string();
      if (!entry.is_regular_file() || ext == ".md" || ext == ".txt" || ext == ".json") continue;
      std::ifstream in(entry.path());
      const std::string text((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
      const std::string file = entry.path().string();
      const FileReport r = lint_text(file, text, detect_kind(file, text), fixture(), Config{});
      for (const Finding& f : r.findings) {
        ++findings;
        const RuleInfo* rule = find_rule(f.code);
        ASSERT_NE(rule, nullptr) << f.code;
        if (f.severity == rule->severity) continue;
        EXPECT_TRUE((f.code == "HR203" || f.code == "HR301") && f.severity == Severity::warning)
            << file << ":" << f.span.begin.line << " " << f.code << " at "
            << severity_name(f.severity);
      }
    }
  }
  EXPECT_GT(findings, 100u);
}

}  // namespace rules_test
}  // namespace
}  // namespace headroom::lint
