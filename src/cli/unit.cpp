// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// headroom unit --name NAME [run's options] -- CMD…: a systemd unit that runs the server under
// `headroom run` (Type=notify, start limits in [Unit], timeouts from the gate and the startup
// timeout), or with --plain the seed's style (ExecStartPre=headroom wait, systemd restarts).
// Printed, or with --install written to /etc/systemd/system/NAME.service and daemon-reload'ed.
// Every argument is quoted for systemd's command-line syntax (systemd.service(5)) and its
// specifiers and variables escaped (% -> %%, $ -> $$), and the unit is linted before it is given.
// With --kubernetes the same server becomes manifests instead (cli/kubernetes.h).
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <utility>

#include "act/command.h"
#include "cli/common.h"
#include "cli/console.h"
#include "cli/kubernetes.h"
#include "cli/run_options.h"
#include "core/docker_cli.h"
#include "core/duration.h"
#include "core/text.h"
#include "headroom_version.h"
#include "lint/lint.h"
#include "probe/fs.h"

namespace headroom {
namespace {

namespace fs = std::filesystem;

struct UnitOptions {
  RunOptions run;
  bool install = false;
  bool enable = false;
  bool plain = false;
  bool template_unit = false;
  bool kubernetes = false;
  std::string image;           // --kubernetes: the server's image
  std::string headroom_image;  // --kubernetes: the image headroom is copied from
  bool force = false;          // --install: replace a unit edited since headroom wrote it
  std::string user;            // User= (default: root)
  bool pod_monitor = false;    // --kubernetes: a PodMonitor too
  bool no_host_paths = false;  // --kubernetes: the Pod Security baseline variant
  std::string description;
  std::string binary;                        // the headroom to run; default: this one
  std::optional<std::string> documentation;  // Documentation=; default: the man page if installed
  std::string unit_dir = "/etc/systemd/system";
  // run's flags as given, filled after parsing: the flag, and its value unless it is a switch.
  std::vector<std::pair<std::string, std::optional<std::string>>> passthrough;
};

// One argument in systemd's syntax: bare when it is plainly safe, else double-quoted with C
// escapes; % and $ doubled in both cases (specifiers and variables are expanded in Exec lines).
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

// An Exec line: the words, continued over lines of at most ~100 columns.
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

// argv[0] as an absolute path (systemd wants one), looked up in PATH.
std::string absolute_program(const std::string& p) {
  if (p.find('/') != std::string::npos) return fs::absolute(p).string();
  const char* path = std::getenv("PATH");
  std::string_view rest = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!rest.empty()) {
    const size_t colon = std::min(rest.find(':'), rest.size());
    const fs::path candidate = fs::path(rest.substr(0, colon)) / p;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    rest.remove_prefix(std::min(colon + 1, rest.size()));
  }
  return p;
}

std::string self_binary() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("/usr/local/bin/headroom") : p.string();
}

// "35min" style for systemd, from a duration (whole seconds, rounded up).
std::string systemd_span(Duration d) {
  if (d == kForever) return "infinity";
  const auto s = std::chrono::ceil<std::chrono::seconds>(d).count();
  return fmt::format("{}s", s);
}

Result<Duration> parse_or(const std::string& text, const char* flag) {
  auto d = parse_duration(text);
  if (!d) return make_error(fmt::format("{}: {}", flag, d.error().message));
  return d;
}

// Documentation=: what --documentation says, else man:headroom-run(1) where that page is installed
// for the binary the unit runs (PREFIX/bin/headroom -> PREFIX/share/man/man1/headroom-run.1, .gz
// too), else none -- systemd-analyze verify runs man(1) on every man: page a unit names and fails
// on one that is missing, as from a build tree.
std::string documentation_line(const UnitOptions& o, const std::string& headroom) {
  if (o.documentation) {
    return o.documentation->empty() ? "" : "Documentation=" + *o.documentation + "\n";
  }
  const fs::path man = fs::path(headroom).parent_path().parent_path() / "share/man/man1";
  std::error_code ec;
  if (fs::exists(man / "headroom-run.1", ec) || fs::exists(man / "headroom-run.1.gz", ec)) {
    return "Documentation=man:headroom-run(1)\n";
  }
  return "";
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
std::string hardening_lines(const UnitOptions& o, bool docker) {
  std::string u =
      "# Sandboxing that leaves the GPU, the kernel log and the model caches visible (see\n"
      "# docs/systemd.md for what is left out and why).\n"
      "NoNewPrivileges=yes\nProtectSystem=full\nStateDirectory=headroom\n"
      "LockPersonality=yes\nRestrictRealtime=yes\nRestrictSUIDSGID=yes\nProtectHostname=yes\n"
      "SystemCallArchitectures=native\n";
  if (!o.user.empty()) {
    u += fmt::format(
        "# As {}: the kernel log (/dev/kmsg) is root's where kernel.dmesg_restrict=1 (Ubuntu's\n"
        "# default), so OOM verdicts then rest on the cgroup's memory.events; --drop-caches\n"
        "# needs root.\nUser={}\n",
        o.user, o.user);
    if (docker)
      u += "# The Docker socket: membership of docker is root-equivalent.\n"
           "SupplementaryGroups=docker\n";
  }
  return u;
}

// A systemd user name (systemd's valid_user_group_name(), the portable subset).
bool is_user_name(std::string_view s) {
  if (s.empty() || s.size() > 31 || is_digit(s[0]) || s[0] == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '-';
  });
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

Result<PlainSettings> plain_settings(const UnitOptions& o, bool docker) {
  PlainSettings p;
  CLI::App gate_only;
  GateFlags unused;
  add_gate_flags(&gate_only, unused);
  std::vector<std::string> refused;
  for (const auto& [flag, value] : o.passthrough) {
    if (gate_only.get_option_no_throw(flag) != nullptr) {
      p.wait.push_back(flag);
      if (value) p.wait.push_back(*value);
      continue;
    }
    const std::string v = value.value_or("");
    if (flag == "--burst") {
      p.burst = o.run.burst;
    } else if (flag == "--within") {
      auto d = parse_or(v, "--within");
      if (!d) return d.error();
      p.within = systemd_span(*d);
    } else if (flag == "--restart") {
      if (v != "no" && v != "on-failure" && v != "always") {
        return make_error(fmt::format("--restart {}: no, on-failure or always", v));
      }
      p.restart = v;
    } else if (flag == "--restart-delay") {
      auto d = parse_or(v, "--restart-delay");
      if (!d) return d.error();
      p.restart_sec = systemd_span(*d);
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

Duration add(Duration a, Duration b) {
  return a == kForever || b == kForever ? kForever : a + b;
}

// Lints a generated unit with lint's own engine: a unit headroom writes must be clean.
Status lint_generated(const std::string& file_name, const std::string& unit, Console& console) {
  lint::CheckOptions lo;
  lo.unit_root = "/nonexistent";  // the unit names only units systemd ships
  const lint::FileReport report = lint::lint_text(file_name, unit, lint::Kind::unit, lo, {});
  if (report.error) {
    return make_error("internal: the generated unit does not parse: " + report.error->message);
  }
  for (const lint::Finding& f : report.findings) {
    console.warn(fmt::format("{}: {} (fix: {})", f.code, f.message, f.fix));
  }
  return {};
}

// The checksum line headroom writes as a unit's second line: FNV-1a (64 bits) of the rest of the
// text, so that --install can tell its own untouched output from a unit someone edited.
constexpr std::string_view kChecksumKey = "# headroom-checksum: ";

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

// True when `text` is headroom's output as written: its checksum line matches the rest.
bool untouched(const std::string& text) {
  const size_t at = text.find(std::string("\n") + std::string(kChecksumKey));
  if (at == std::string::npos) return false;
  const size_t from = at + 1 + kChecksumKey.size();
  const size_t eol = text.find('\n', from);
  if (eol == std::string::npos) return false;
  const std::string rest = text.substr(0, at + 1) + text.substr(eol + 1);
  return text.compare(from, 16, checksum_of(rest)) == 0;
}

// Prints the unit, or writes it to DIR/FILE and daemon-reloads where systemd runs. A file there
// that headroom did not write, or that was edited since, is left alone without --force.
int give_unit(const UnitOptions& o, const std::string& file_name, const std::string& bare_unit,
              const std::string& start_hint, Console& console) {
  const std::string unit = with_checksum(bare_unit);
  if (!o.install && !o.enable) {
    std::fputs(unit.c_str(), stdout);
    return 0;
  }
  const fs::path path = fs::path(o.unit_dir) / file_name;
  std::error_code exists_ec;
  if (fs::exists(path, exists_ec)) {
    std::ifstream in(path);
    std::string old((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      return console.fail(fmt::format("{}: cannot read it to compare", path.string()), 1);
    }
    if (old != unit && !untouched(old) && !o.force) {
      return console.fail(
          fmt::format("{} was edited since headroom wrote it (or headroom did not write it): left "
                      "as it is. Compare with `headroom unit ... | diff -u {} -`, then give "
                      "--force to replace it",
                      path.string(), path.string()),
          1);
    }
  }
  if (Status st = write_file_atomic(path.string(), unit); !st) {
    return console.fail(st.error().message + (::geteuid() != 0 ? " (run as root?)" : ""));
  }
  console.note(fmt::format("headroom: wrote {}", path.string()));
  if (!fs::exists("/run/systemd/system")) {  // systemd is not PID 1 (sd_booted())
    if (o.enable)
      return console.fail("systemd is not running here: the unit is written, not started", 1);
    console.note("headroom: systemd is not running here: no daemon-reload");
    return 0;
  }
  auto rc = run_command({"systemctl", "daemon-reload"}, std::chrono::seconds(60));
  if (!rc || rc->exit_code != 0) return console.fail("systemctl daemon-reload failed", 1);
  if (!o.enable) {
    console.note(
        fmt::format("headroom: systemctl daemon-reload done; start it with: {}", start_hint));
    return 0;
  }
  // Type=notify: this returns once headroom has reported READY=1 (the server healthy), or fails.
  console.note(
      fmt::format("headroom: systemctl enable --now {} (waits until it is ready)", file_name));
  rc = run_command({"systemctl", "enable", "--now", file_name}, std::chrono::hours(24));
  if (!rc || rc->exit_code != 0) {
    return console.fail(fmt::format("systemctl enable --now {} failed: see systemctl status {}",
                                    file_name, file_name),
                        1);
  }
  return 0;
}

// headroom@.service: one server per instance, its options in /etc/headroom/INSTANCE.toml. The
// timeouts are the defaults' (headroom extends the start timeout while it makes progress, and its
// own --stop-timeout acts before systemd's).
std::string template_unit(const UnitOptions& o, const std::string& headroom) {
  const RunOptions defaults;
  const Duration start = *parse_duration(defaults.gate.timeout) +
                         *parse_duration(defaults.startup_timeout) + std::chrono::seconds(60);
  std::string u =
      fmt::format("# Written by headroom {} (headroom unit --template).\n", HEADROOM_VERSION);
  u += "# One server per instance: /etc/headroom/NAME.toml holds `headroom run`'s options for it\n"
       "# (each key a long option without its dashes, command = [\"docker\", \"run\", ...]);\n"
       "# then: systemctl enable --now headroom@NAME. See man headroom-run and\n"
       "# /usr/share/doc/headroom/examples/headroom/.\n";
  u += "[Unit]\nDescription=%i, supervised by headroom\n";
  u += documentation_line(o, headroom);
  u += "# docker.service only orders: a plain process does not pull Docker in.\n";
  u += "After=network-online.target docker.service\nWants=network-online.target\n";
  u += "# headroom restarts the server within its own limit (burst/within); these bound\n"
       "# restarts of headroom itself.\n";
  u += "StartLimitIntervalSec=1h\nStartLimitBurst=3\n";
  u += "\n[Service]\nType=notify\nNotifyAccess=main\n";
  // Specifiers stay specifiers here: the path is quoted by hand, not through systemd_quote.
  u += fmt::format("ExecStart={} run --config /etc/headroom/%i.toml --name %i\n",
                   systemd_quote(headroom));
  u += supervised_restart_lines();
  u += fmt::format(
      "# The default gate timeout plus the default startup timeout; headroom extends it while it\n"
      "# waits for memory or the server loads.\nTimeoutStartSec={}\n",
      systemd_span(start));
  u += "# A container left over by the instance's command (headroom SIGKILLed, host crash): its\n"
       "# docker run line is read from the same file; nothing for a plain process.\n";
  u += fmt::format("ExecStopPost=-{} run --config /etc/headroom/%i.toml --name %i --cleanup\n",
                   systemd_quote(headroom));
  u += "# headroom's own stop timeout (default 30s) acts first; this is the backstop.\n"
       "TimeoutStopSec=5min\nKillMode=mixed\n";
  u += hardening_lines(o, /*docker=*/true);
  u += "\n[Install]\nWantedBy=multi-user.target\n";
  return u;
}

int run_unit(UnitOptions& o) {
  Console console;
  RunOptions& r = o.run;
  const std::string headroom = o.binary.empty() ? self_binary() : fs::absolute(o.binary).string();
  if (!o.user.empty() && !is_user_name(o.user)) {
    return console.fail(fmt::format(
        "--user {}: a user name is letters, digits, '_' and '-', not starting with a digit or '-'",
        o.user));
  }
  if (o.force && !o.install && !o.enable) return console.fail("--force goes with --install");
  if (o.template_unit) {
    if (!r.name.empty() || !r.command.empty() || !o.passthrough.empty() || o.plain || o.enable ||
        o.kubernetes) {
      return console.fail(
          "--template takes no name, command or run options: each instance reads them from "
          "/etc/headroom/NAME.toml");
    }
    const std::string u = template_unit(o, headroom);
    if (Status st = lint_generated("headroom@.service", u, console); !st) {
      return console.fail(st.error().message);
    }
    return give_unit(o, "headroom@.service", u, "systemctl enable --now headroom@NAME", console);
  }
  if (r.name.empty()) return console.fail("--name is required: it names the unit (NAME.service)");
  if (r.name.find('/') != std::string::npos || r.name.find_first_of(" \t\n") != std::string::npos) {
    return console.fail("--name: a unit name has no slashes or spaces");
  }
  if (r.command.empty()) return console.fail("give the server's command after --");
  if (o.kubernetes) {
    if (o.install || o.enable || o.plain || !o.user.empty()) {
      return console.fail(
          "--kubernetes prints manifests for `kubectl apply -f -`: no --install, --enable, "
          "--plain or --user");
    }
    KubernetesInput k{r.name,        o.image,   o.headroom_image, r,
                      o.passthrough, r.command, o.pod_monitor,    o.no_host_paths};
    auto m = kubernetes_manifests(k);
    if (!m) return console.fail(m.error().message);
    for (const std::string& n : m->notes)
      console.note("headroom: " + n);
    std::fputs(m->yaml.c_str(), stdout);
    return 0;
  }
  if (!o.image.empty() || !o.headroom_image.empty() || o.pod_monitor || o.no_host_paths) {
    return console.fail(
        "--image, --headroom-image, --pod-monitor and --no-host-paths go with --kubernetes");
  }
  std::vector<std::string> cmd = r.command;
  cmd[0] = absolute_program(cmd[0]);

  // A docker run line: its container name, and what the unit must do about it.
  std::string container;
  if (is_docker_run(cmd)) {
    auto line = parse_docker_run(cmd);
    if (!line) return console.fail(line.error().message);
    if (line->enabled("--detach")) {
      return console.fail(
          "the docker run line has -d: a unit must keep docker run in the "
          "foreground (drop -d)");
    }
    if (const DockerFlag* n = line->find("--name")) {
      container = n->value;
    } else {
      // A stable name to stop and clean up by: the unit's.
      container = r.name;
      cmd.insert(cmd.begin() + static_cast<long>(line->run_index) + 1, {"--name", container});
    }
  }
  auto gate_timeout = parse_or(r.gate.timeout, "--timeout");
  if (!gate_timeout) return console.fail(gate_timeout.error().message);
  auto startup = parse_or(r.startup_timeout, "--startup-timeout");
  if (!startup) return console.fail(startup.error().message);
  auto stop = parse_or(r.stop_timeout, "--stop-timeout");
  if (!stop) return console.fail(stop.error().message);
  const std::string docker = container.empty() ? "" : cmd[0];

  std::string u = fmt::format("# Written by headroom {} (headroom unit{}).\n", HEADROOM_VERSION,
                              o.plain ? " --plain" : "");
  u += "[Unit]\n";
  u += fmt::format("Description={}\n",
                   o.description.empty()
                       ? fmt::format("{}, {}", r.name,
                                     o.plain ? "gated by headroom wait" : "supervised by headroom")
                       : o.description);
  u += documentation_line(o, headroom);
  u += "After=network-online.target";
  if (!container.empty()) u += " docker.service";
  u += "\nWants=network-online.target\n";
  if (!container.empty()) u += "Requires=docker.service\n";
  PlainSettings plain;
  if (o.plain) {
    auto ps = plain_settings(o, !container.empty());
    if (!ps) return console.fail(ps.error().message);
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
  if (o.plain) {
    // The gate as ExecStartPre=: only the gate's flags, told apart by their one definition.
    std::vector<std::string> wait = {headroom, "wait"};
    wait.insert(wait.end(), plain.wait.begin(), plain.wait.end());
    u += "Type=exec\n";
    if (!container.empty()) u += exec_line("ExecStartPre", {"-" + docker, "rm", "-f", container});
    u += exec_line("ExecStartPre", wait);
    u += exec_line("ExecStart", cmd);
    if (!container.empty()) {
      u += exec_line(
          "ExecStop",
          {docker, "stop", "-t",
           std::to_string(std::chrono::ceil<std::chrono::seconds>(*stop).count()), container});
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
                     systemd_span(add(*gate_timeout, std::chrono::seconds(120))));
    if (!plain.kill_signal.empty()) u += fmt::format("KillSignal={}\n", plain.kill_signal);
    u += fmt::format(
        "# --stop-timeout{} plus a margin: systemd's stop job must outlast it.\n"
        "TimeoutStopSec={}\n",
        container.empty() ? "" : " (docker stop -t)",
        systemd_span(add(*stop, std::chrono::seconds(15))));
  } else {
    std::vector<std::string> run = {headroom, "run", "--name", r.name};
    for (const auto& [flag, value] : o.passthrough) {
      run.push_back(flag);
      if (value) run.push_back(*value);
    }
    run.push_back("--");
    run.insert(run.end(), cmd.begin(), cmd.end());
    u += "Type=notify\nNotifyAccess=main\n";
    if (!container.empty()) {
      u += "# A container left over by an earlier run (headroom SIGKILLed, host crash).\n";
      u += exec_line("ExecStartPre", {"-" + docker, "rm", "-f", container});
    }
    u += exec_line("ExecStart", run);
    if (!container.empty()) {
      u += "# headroom stops the container on SIGTERM; if headroom was killed, remove it here.\n";
      u += exec_line("ExecStopPost", {"-" + docker, "rm", "-f", container});
    }
    u += supervised_restart_lines();
    u += fmt::format(
        "# The gate's timeout plus the startup timeout (headroom also extends it while "
        "it makes progress).\nTimeoutStartSec={}\n",
        systemd_span(add(add(*gate_timeout, *startup), std::chrono::seconds(60))));
    u += fmt::format("# The stop timeout plus a margin.\nTimeoutStopSec={}\nKillMode=mixed\n",
                     systemd_span(add(*stop, std::chrono::seconds(15))));
  }
  u += hardening_lines(o, !container.empty());
  u += "\n[Install]\nWantedBy=multi-user.target\n";

  if (Status st = lint_generated(r.name + ".service", u, console); !st) {
    return console.fail(st.error().message);
  }
  return give_unit(o, r.name + ".service", u, "systemctl enable --now " + r.name, console);
}

}  // namespace

Command add_unit_command(CLI::App& parent, const Globals& globals) {
  auto o = std::make_shared<UnitOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "unit",
      "Write a systemd unit that runs the server under `headroom run` (or, with --plain, behind "
      "`ExecStartPre=headroom wait`): correct types, timeouts, start limits and quoting; linted "
      "before it is printed. With --kubernetes, the same server as Kubernetes manifests. Usage: "
      "headroom unit --name NAME [run's options] -- CMD…");
  add_run_flags(cmd, o->run);
  cmd->add_flag("--install", o->install,
                "Write /etc/systemd/system/NAME.service (see --unit-dir) and run systemctl "
                "daemon-reload where systemd runs; default: print the unit");
  cmd->add_flag("--force", o->force,
                "--install: replace NAME.service even where it was edited since headroom wrote "
                "it (default: such a file is left alone, and said)");
  cmd->add_option("--user", o->user,
                  "User= of the unit, with SupplementaryGroups=docker for a docker command "
                  "(default: root; as a user, headroom reads no kernel log where "
                  "kernel.dmesg_restrict=1, and --drop-caches fails)")
      ->type_name("NAME");
  cmd->add_flag("--enable", o->enable,
                "--install, then systemctl enable --now NAME.service: from a command line to a "
                "running, supervised service (returns once the server is ready)");
  cmd->add_flag(
      "--plain", o->plain,
      "The usual wait-script style: ExecStartPre=headroom wait with the gate flags, the command as "
      "ExecStart=, systemd owning restarts");
  cmd->add_flag("--template", o->template_unit,
                "Write the template unit headroom@.service instead: instance NAME runs `headroom "
                "run --config /etc/headroom/NAME.toml` (no name, command or run options here)");
  cmd->add_flag("--kubernetes", o->kubernetes,
                "Print Kubernetes manifests instead: a ConfigMap with run's options as TOML, a "
                "Deployment (init container `headroom wait` on the node's memory, the server "
                "under `headroom run`, probes on /ready and /live) and a Service; a docker run "
                "line is translated");
  cmd->add_option("--image", o->image,
                  "--kubernetes: the server's container image (default: the docker line's)")
      ->type_name("IMAGE");
  cmd->add_option("--headroom-image", o->headroom_image,
                  "--kubernetes: an image holding /usr/bin/headroom, copied into the pod (default "
                  "headroom:" HEADROOM_VERSION "; examples/kubernetes/Containerfile)")
      ->type_name("IMAGE");
  cmd->add_flag("--pod-monitor", o->pod_monitor,
                "--kubernetes: also a PodMonitor (Prometheus Operator, monitoring.coreos.com/v1) "
                "scraping headroom's /metrics every 30 s");
  cmd->add_flag("--no-host-paths", o->no_host_paths,
                "--kubernetes: meet the Pod Security baseline level: no hostPath, hostIPC or "
                "hostNetwork; the gate runs in `headroom run` itself (the node's /proc/meminfo is "
                "visible in any container), -v directories become PersistentVolumeClaims "
                "(default: an init container gates on the host's /proc and /sys, which needs the "
                "privileged level)");
  cmd->add_option("--description", o->description, "Description= (default: NAME and how it runs)");
  cmd->add_option("--binary", o->binary, "The headroom binary the unit runs (default: this one)")
      ->type_name("PATH");
  cmd->add_option("--documentation", o->documentation,
                  "Documentation= of the unit (default: man:headroom-run(1) where that page is "
                  "installed beside the binary, else none: systemd-analyze verify fails a unit "
                  "naming a man page that is not installed); '' for none")
      ->type_name("URI");
  cmd->add_option("--unit-dir", o->unit_dir, "Where --install writes (default /etc/systemd/system)")
      ->type_name("DIR");
  return Command{
      cmd, [o, cmd, &globals] {
        o->run.command.insert(o->run.command.end(), globals.after_dashes.begin(),
                              globals.after_dashes.end());
        // run's flags exactly as given, for `headroom run` in the unit.
        static const std::vector<std::string> own = {
            "--install",    "--enable",   "--plain",          "--template",      "--description",
            "--binary",     "--unit-dir", "--name",           "--documentation", "--help",
            "--kubernetes", "--image",    "--headroom-image", "--pod-monitor",   "--no-host-paths",
            "--force",      "--user"};
        for (const CLI::Option* opt : cmd->get_options()) {
          if (opt->get_lnames().empty() || opt->count() == 0) continue;
          const std::string name = "--" + opt->get_lnames()[0];
          if (std::find(own.begin(), own.end(), name) != own.end()) continue;
          if (opt->get_expected_min() == 0) {  // a switch
            o->passthrough.emplace_back(name, std::nullopt);
            continue;
          }
          for (const std::string& v : opt->results()) {
            o->passthrough.emplace_back(name, v);
          }
        }
        return run_unit(*o);
      }};
}

}  // namespace headroom
