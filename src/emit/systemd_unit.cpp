// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "emit/systemd_unit.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "core/defaults.h"
#include "core/docker_cli.h"
#include "core/text.h"
#include "headroom_version.h"

namespace headroom::emit {

std::string systemd_quote(std::string_view a) {
  bool bare = !a.empty();
  for (char c : a) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      std::string_view("_@%+=:,./-$").find(c) != std::string_view::npos;
    bare &= safe;
  }
  std::string out;
  if (!bare) out += '"';
  for (char c : a) {
    switch (c) {
      case '%':
        out += "%%";
        break;
      case '$':
        out += "$$";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  if (!bare) out += '"';
  return out;
}

std::string exec_line(std::string_view key, const std::vector<std::string>& argv) {
  std::string out = std::string(key) + "=";
  size_t col = out.size();
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string w = systemd_quote(argv[i]);
    if (i > 0 && col + 1 + w.size() > 98) {
      out += " \\\n    ";
      col = 4;
    } else if (i > 0) {
      out += ' ';
      ++col;
    }
    out += w;
    col += w.size();
  }
  return out + "\n";
}

namespace {

// "35min" style for systemd, from a duration (whole seconds, rounded up).
std::string systemd_span(Duration d) {
  if (d == kForever) return "infinity";
  const auto s = std::chrono::ceil<std::chrono::seconds>(d).count();
  return fmt::format("{}s", s);
}

Duration add(Duration a, Duration b) {
  return a == kForever || b == kForever ? kForever : a + b;
}

std::string documentation_line(const UnitHost& host) {
  return host.documentation.empty() ? "" : "Documentation=" + host.documentation + "\n";
}

// The restart contract between systemd and `headroom run` (FIELD.md section 6): headroom decides
// about the server's restarts, also after an OOM kill; systemd only restarts headroom itself.
std::string supervised_restart_lines() {
  return "# headroom decides about restarts, also after the kernel OOM-kills the server: "
         "systemd's\n"
         "# default (OOMPolicy=stop) would stop the whole unit -- headroom, its verdict and its\n"
         "# start-limit count -- at the first OOM kill in the unit's cgroup.\n"
         "OOMPolicy=continue\n"
         "Restart=on-failure\n"
         "# 2: a configuration error (a bad flag, a broken TOML); 126/127: the command cannot be\n"
         "# executed. Restarting cannot help with either.\n"
         "RestartPreventExitStatus=2 126 127\n"
         "RestartSec=10\n";
}

// systemd's sandboxing that fits a GPU inference server (systemd.exec(5)). Left out on purpose:
// PrivateDevices= hides /dev/nvidia*; ProtectClock= and DeviceAllow= turn device access into an
// allow-list, hiding the GPU and /dev/kmsg; ProtectKernelLogs= hides /dev/kmsg, the OOM
// verdicts' evidence; ProtectKernelModules= stops nvidia-modprobe loading nvidia-uvm on CUDA's
// first use; ProtectKernelTunables= makes --drop-caches fail; ProtectHome= hides the usual
// Hugging Face cache (~/.cache/huggingface); MemoryDenyWriteExecute= breaks the JIT compilers
// (Triton, torch.compile, CUDA graphs' PTX); PrivateTmp= hides the host's /tmp, where Ray's
// session directory (/tmp/ray: `ray start` in one unit, the server in another, as two-Spark
// clusters run it) and a model or binary put under /tmp live.
std::string hardening_lines(const UnitHost& host, bool docker) {
  std::string u =
      "# Sandboxing that leaves the GPU, the kernel log and the model caches visible (see\n"
      "# docs/systemd.md for what is left out and why).\n"
      "NoNewPrivileges=yes\nProtectSystem=full\nStateDirectory=headroom\n"
      "LockPersonality=yes\nRestrictRealtime=yes\nRestrictSUIDSGID=yes\nProtectHostname=yes\n"
      "SystemCallArchitectures=native\n";
  if (!host.user.empty()) {
    u += fmt::format(
        "# As {}: the kernel log (/dev/kmsg) is root's where kernel.dmesg_restrict=1 (Ubuntu's\n"
        "# default), so OOM verdicts then rest on the cgroup's memory.events; --drop-caches\n"
        "# needs root.\nUser={}\n",
        host.user, host.user);
    if (docker)
      u += "# The Docker socket: membership of docker is root-equivalent.\n"
           "SupplementaryGroups=docker\n";
  }
  return u;
}

// What --plain can say in systemd's terms: systemd supervises the server there, so run's
// options map to its directives or are refused with the reason (never dropped).
struct PlainSettings {
  std::vector<std::string> wait;  // headroom wait's flags: the gate's
  int burst = 3;
  std::string within = "600";
  std::string restart = "on-failure";
  std::string restart_sec = "10";
  std::string kill_signal;  // KillSignal= for a plain process
};

Result<PlainSettings> plain_settings(const ServerConfig& c, bool docker) {
  PlainSettings p;
  std::vector<std::string> refused;
  for (const GivenFlag& g : c.flags) {
    const std::string& flag = g.flag;
    if (g.gate) {
      p.wait.push_back(flag);
      if (g.value) p.wait.push_back(*g.value);
      continue;
    }
    const std::string v = g.value.value_or("");
    if (flag == "--burst") {
      p.burst = c.burst;
    } else if (flag == "--within") {
      p.within = systemd_span(c.within);
    } else if (flag == "--restart") {
      if (!c.restart) return make_error(fmt::format("--restart {}: no, on-failure or always", v));
      p.restart = to_string(*c.restart);
    } else if (flag == "--restart-delay") {
      p.restart_sec = systemd_span(c.restart_delay);
    } else if (flag == "--stop-signal" && !docker) {
      std::string sig = v;
      std::transform(sig.begin(), sig.end(), sig.begin(), ascii_upper);
      p.kill_signal = sig.starts_with("SIG") ? sig : "SIG" + sig;
    } else if (flag == "--stop-timeout" || flag == "--no-lint" || flag == "--name") {
      // TimeoutStopSec= and docker stop -t below; --no-lint is about headroom run's own check.
    } else {
      refused.push_back(flag);
    }
  }
  if (!refused.empty()) {
    std::string list;
    for (const std::string& f : refused)
      list += (list.empty() ? "" : ", ") + f;
    return make_error(fmt::format(
        "--plain has no counterpart for {}: systemd supervises the server there, and it does "
        "not probe it, serve metrics or write events{}; leave out --plain to run it under "
        "headroom run",
        list, docker ? " (and the container's stop signal is docker run --stop-signal's)" : ""));
  }
  return p;
}

// The server's command as the unit runs it, and for a docker run line the container's name and
// the docker program, which the unit stops and cleans up by.
struct UnitCommand {
  std::vector<std::string> argv;
  std::string container;  // "" for a plain process
  std::string docker;     // argv[0] of the docker line
};

Result<UnitCommand> unit_command(const ServerConfig& c) {
  UnitCommand out{c.command, "", ""};
  if (!is_docker_run(out.argv)) return out;
  auto line = parse_docker_run(out.argv);
  if (!line) return line.error();
  if (line->enabled("--detach")) {
    return make_error(
        "the docker run line has -d: a unit must keep docker run in the "
        "foreground (drop -d)");
  }
  if (const DockerFlag* n = line->find("--name")) {
    out.container = n->value;
  } else {
    // A stable name to stop and clean up by: the unit's.
    out.container = c.name;
    out.argv.insert(out.argv.begin() + static_cast<long>(line->run_index) + 1,
                    {"--name", out.container});
  }
  out.docker = out.argv[0];
  return out;
}

// [Service] of a --plain unit: the gate as ExecStartPre=, the command as ExecStart=.
std::string plain_service(const SystemdUnitInput& in, const PlainSettings& plain,
                          const UnitCommand& cmd) {
  const ServerConfig& c = in.server;
  const bool docker = !cmd.container.empty();
  // The gate as ExecStartPre=: only the gate's flags, told apart by their one definition.
  std::vector<std::string> wait = {in.host.headroom, "wait"};
  wait.insert(wait.end(), plain.wait.begin(), plain.wait.end());
  std::string u = "Type=exec\n";
  if (docker) u += exec_line("ExecStartPre", {"-" + cmd.docker, "rm", "-f", cmd.container});
  u += exec_line("ExecStartPre", wait);
  u += exec_line("ExecStart", cmd.argv);
  if (docker) {
    u += exec_line("ExecStop",
                   {cmd.docker, "stop", "-t",
                    std::to_string(std::chrono::ceil<std::chrono::seconds>(c.stop_timeout).count()),
                    cmd.container});
  }
  u += "# systemd restarts the server, each time through the gate above. An OOM kill of any of\n"
       "# its processes ends the unit (systemd's OOMPolicy=stop), so no half-killed server runs "
       "on.\n"
       "OOMPolicy=stop\n";
  u += fmt::format(
      "Restart={}\n# 2: the server's usage error (a bad flag): restarting cannot help.\n"
      "RestartPreventExitStatus=2\n# The gate waits for memory; this only spaces out the tries "
      "(--restart-delay).\nRestartSec={}\n",
      plain.restart, plain.restart_sec);
  u += fmt::format("# The memory wait plus a margin for the start itself.\nTimeoutStartSec={}\n",
                   systemd_span(add(c.gate.timeout.value, std::chrono::seconds(120))));
  if (!plain.kill_signal.empty()) u += fmt::format("KillSignal={}\n", plain.kill_signal);
  u += fmt::format(
      "# --stop-timeout{} plus a margin: systemd's stop job must outlast it.\n"
      "TimeoutStopSec={}\n",
      docker ? " (docker stop -t)" : "",
      systemd_span(add(c.stop_timeout, std::chrono::seconds(15))));
  return u;
}

// [Service] of a unit under `headroom run`: run's flags as given, then the command.
std::string supervised_service(const SystemdUnitInput& in, const UnitCommand& cmd) {
  const ServerConfig& c = in.server;
  const bool docker = !cmd.container.empty();
  std::vector<std::string> run = {in.host.headroom, "run", "--name", c.name};
  for (const GivenFlag& g : c.flags) {
    run.push_back(g.flag);
    if (g.value) run.push_back(*g.value);
  }
  run.push_back("--");
  run.insert(run.end(), cmd.argv.begin(), cmd.argv.end());
  std::string u = "Type=notify\nNotifyAccess=main\n";
  if (docker) {
    u += "# A container left over by an earlier run (headroom SIGKILLed, host crash).\n";
    u += exec_line("ExecStartPre", {"-" + cmd.docker, "rm", "-f", cmd.container});
  }
  u += exec_line("ExecStart", run);
  if (docker) {
    u += "# headroom stops the container on SIGTERM; if headroom was killed, remove it here.\n";
    u += exec_line("ExecStopPost", {"-" + cmd.docker, "rm", "-f", cmd.container});
  }
  u += supervised_restart_lines();
  u += fmt::format(
      "# The gate's timeout plus the startup timeout (headroom also extends it while "
      "it makes progress).\nTimeoutStartSec={}\n",
      systemd_span(
          add(add(c.gate.timeout.value, c.startup_timeout.value), std::chrono::seconds(60))));
  u += fmt::format("# The stop timeout plus a margin.\nTimeoutStopSec={}\nKillMode=mixed\n",
                   systemd_span(add(c.stop_timeout, std::chrono::seconds(15))));
  return u;
}

}  // namespace

Result<std::string> systemd_unit(const SystemdUnitInput& in) {
  const ServerConfig& c = in.server;
  auto cmd = unit_command(c);
  if (!cmd) return cmd.error();
  const bool docker = !cmd->container.empty();

  std::string u = fmt::format("# Written by headroom {} (headroom unit{}).\n", HEADROOM_VERSION,
                              in.plain ? " --plain" : "");
  u += "[Unit]\n";
  u += fmt::format("Description={}\n",
                   in.description.empty()
                       ? fmt::format("{}, {}", c.name,
                                     in.plain ? "gated by headroom wait" : "supervised by headroom")
                       : in.description);
  u += documentation_line(in.host);
  u += "After=network-online.target";
  if (docker) u += " docker.service";
  u += "\nWants=network-online.target\n";
  if (docker) u += "Requires=docker.service\n";
  PlainSettings plain;
  if (in.plain) {
    auto ps = plain_settings(c, docker);
    if (!ps) return ps.error();
    plain = *ps;
    u += fmt::format(
        "# systemd restarts the server: at most {} failures in {} (--burst, --within), then it\n"
        "# stays down.\nStartLimitIntervalSec={}\nStartLimitBurst={}\n",
        plain.burst, plain.within, plain.within, plain.burst);
  } else {
    u += "# headroom restarts the server within its own limit (--burst/--within); these bound\n"
         "# restarts of headroom itself.\n";
    u += "StartLimitIntervalSec=1h\nStartLimitBurst=3\n";
  }
  u += "\n[Service]\n";
  u += in.plain ? plain_service(in, plain, *cmd) : supervised_service(in, *cmd);
  u += hardening_lines(in.host, docker);
  u += "\n[Install]\nWantedBy=multi-user.target\n";
  return u;
}

// The timeouts are the defaults' (headroom extends the start timeout while it makes progress, and
// its own --stop-timeout acts before systemd's).
std::string template_unit(const UnitHost& host) {
  const Duration start =
      defaults::kGateTimeout.value + defaults::kStartupTimeout.value + std::chrono::seconds(60);
  std::string u =
      fmt::format("# Written by headroom {} (headroom unit --template).\n", HEADROOM_VERSION);
  u += "# One server per instance: /etc/headroom/NAME.toml holds `headroom run`'s options for it\n"
       "# (each key a long option without its dashes, command = [\"docker\", \"run\", ...]);\n"
       "# then: systemctl enable --now headroom@NAME. See man headroom-run and\n"
       "# /usr/share/doc/headroom/examples/headroom/.\n";
  u += "[Unit]\nDescription=%i, supervised by headroom\n";
  u += documentation_line(host);
  u += "# docker.service only orders: a plain process does not pull Docker in.\n";
  u += "After=network-online.target docker.service\nWants=network-online.target\n";
  u += "# headroom restarts the server within its own limit (burst/within); these bound\n"
       "# restarts of headroom itself.\n";
  u += "StartLimitIntervalSec=1h\nStartLimitBurst=3\n";
  u += "\n[Service]\nType=notify\nNotifyAccess=main\n";
  // Specifiers stay specifiers here: the path is quoted by hand, not through systemd_quote.
  u += fmt::format("ExecStart={} run --config /etc/headroom/%i.toml --name %i\n",
                   systemd_quote(host.headroom));
  u += supervised_restart_lines();
  u += fmt::format(
      "# The default gate timeout plus the default startup timeout; headroom extends it while it\n"
      "# waits for memory or the server loads.\nTimeoutStartSec={}\n",
      systemd_span(start));
  u += "# A container left over by the instance's command (headroom SIGKILLed, host crash): its\n"
       "# docker run line is read from the same file; nothing for a plain process.\n";
  u += fmt::format("ExecStopPost=-{} run --config /etc/headroom/%i.toml --name %i --cleanup\n",
                   systemd_quote(host.headroom));
  u += fmt::format(
      "# headroom's own stop timeout (default {}) acts first; this is the backstop.\n"
      "TimeoutStopSec=5min\nKillMode=mixed\n",
      defaults::kStopTimeout.text);
  u += hardening_lines(host, /*docker=*/true);
  u += "\n[Install]\nWantedBy=multi-user.target\n";
  return u;
}

namespace {
constexpr std::string_view kChecksumKey = "# headroom-checksum: ";
}  // namespace

std::string checksum_of(std::string_view text) {
  uint64_t h = 14695981039346656037ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", h);
}

std::string with_checksum(const std::string& unit) {
  const size_t eol = unit.find('\n');
  if (eol == std::string::npos) return unit;
  return unit.substr(0, eol + 1) + std::string(kChecksumKey) + checksum_of(unit) +
         " (headroom unit --install replaces this file only while it matches)\n" +
         unit.substr(eol + 1);
}

bool untouched(const std::string& text) {
  const size_t at = text.find(std::string("\n") + std::string(kChecksumKey));
  if (at == std::string::npos) return false;
  const size_t from = at + 1 + kChecksumKey.size();
  const size_t eol = text.find('\n', from);
  if (eol == std::string::npos) return false;
  const std::string rest = text.substr(0, at + 1) + text.substr(eol + 1);
  return text.compare(from, 16, checksum_of(rest)) == 0;
}

}  // namespace headroom::emit
