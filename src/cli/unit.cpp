// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// headroom unit --name NAME [run's options] -- CMD…: a systemd unit that runs the server under
// `headroom run` (Type=notify, start limits in [Unit], timeouts from the gate and the startup
// timeout), or with --plain the seed's style (ExecStartPre=headroom wait, systemd restarts).
// Printed, or with --install written to /etc/systemd/system/NAME.service and daemon-reload'ed.
// Every argument is quoted for systemd's command-line syntax (systemd.service(5)) and its
// specifiers and variables escaped (% -> %%, $ -> $$), and the unit is linted before it is given.
// With --kubernetes the same server becomes manifests instead. The writers are emit/'s
// (emit/systemd_unit.h, emit/kubernetes.h); here: the flags parsed into their input, the unit
// linted, installed or printed.
#include <fmt/format.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <optional>
#include <utility>

#include "act/command.h"
#include "cli/common.h"
#include "cli/console.h"
#include "cli/run_options.h"
#include "core/duration.h"
#include "core/restart_policy.h"
#include "core/size.h"
#include "core/text.h"
#include "core/url.h"
#include "emit/kubernetes.h"
#include "emit/systemd_unit.h"
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

Result<Duration> parse_or(const std::string& text, const char* flag) {
  auto d = parse_duration(text);
  if (!d) return make_error(fmt::format("{}: {}", flag, d.error().message));
  return d;
}

// Documentation='s value: what --documentation says, else man:headroom-run(1) where that page
// is installed for the binary the unit runs (PREFIX/bin/headroom -> PREFIX/share/man/man1/
// headroom-run.1, .gz too), else none -- systemd-analyze verify runs man(1) on every man: page a
// unit names and fails on one that is missing, as from a build tree.
std::string documentation(const UnitOptions& o, const std::string& headroom) {
  if (o.documentation) return *o.documentation;
  const fs::path man = fs::path(headroom).parent_path().parent_path() / "share/man/man1";
  std::error_code ec;
  if (fs::exists(man / "headroom-run.1", ec) || fs::exists(man / "headroom-run.1.gz", ec)) {
    return "man:headroom-run(1)";
  }
  return "";
}

// A systemd user name (systemd's valid_user_group_name(), the portable subset).
bool is_user_name(std::string_view s) {
  if (s.empty() || s.size() > 31 || is_digit(s[0]) || s[0] == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '-';
  });
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

// Prints the unit, or writes it to DIR/FILE and daemon-reloads where systemd runs. A file there
// that headroom did not write, or that was edited since, is left alone without --force.
int give_unit(const UnitOptions& o, const std::string& file_name, const std::string& bare_unit,
              const std::string& start_hint, Console& console) {
  const std::string unit = emit::with_checksum(bare_unit);
  if (!o.install && !o.enable) {
    std::fputs(unit.c_str(), stdout);
    return 0;
  }
  const fs::path path = fs::path(o.unit_dir) / file_name;
  std::error_code exists_ec;
  if (fs::exists(path, exists_ec)) {
    const auto read = read_file(path.string());
    if (!read) {
      return console.fail(fmt::format("{}: cannot read it to compare ({})", path.string(),
                                      std::strerror(read.error().sys_errno)),
                          1);
    }
    const std::string& old = *read;
    if (old != unit && !emit::untouched(old) && !o.force) {
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

// run's options parsed for the writers (emit/server_config.h), and run's flags as given, each
// marked where it is one of the gate's (told apart by their one definition). The flags were
// checked as they were parsed: the errors here are for what the checks did not cover.
Result<emit::ServerConfig> server_config(const UnitOptions& o,
                                         const std::vector<std::string>& command) {
  const RunOptions& r = o.run;
  emit::ServerConfig c;
  c.name = r.name;
  c.command = command;
  CLI::App gate_only;
  GateFlags unused;
  add_gate_flags(&gate_only, unused);
  for (const auto& [flag, value] : o.passthrough) {
    c.flags.push_back(emit::GivenFlag{flag, value, gate_only.get_option_no_throw(flag) != nullptr});
  }
  const auto spelled = [](const std::string& text,
                          const char* flag) -> Result<emit::Spelled<Duration>> {
    auto d = parse_or(text, flag);
    if (!d) return d.error();
    return emit::Spelled<Duration>{*d, text};
  };
  auto gate_timeout = spelled(r.gate.timeout, "--timeout");
  if (!gate_timeout) return gate_timeout.error();
  auto startup = spelled(r.startup_timeout, "--startup-timeout");
  if (!startup) return startup.error();
  auto stop = parse_or(r.stop_timeout, "--stop-timeout");
  if (!stop) return stop.error();
  auto settle = spelled(r.gate.settle, "--settle");
  if (!settle) return settle.error();
  auto interval = spelled(r.gate.interval, "--interval");
  if (!interval) return interval.error();
  auto within = parse_or(r.within, "--within");
  if (!within) return within.error();
  auto delay = parse_or(r.restart_delay, "--restart-delay");
  if (!delay) return delay.error();
  c.gate.free = r.gate.free;
  if (!r.gate.free.empty()) {
    if (auto spec = parse_size_spec(r.gate.free, BareNumber::kReject)) c.gate.free_size = *spec;
  }
  c.gate.max_pressure = r.gate.max_pressure;
  c.gate.settle = *settle;
  c.gate.timeout = *gate_timeout;
  c.gate.interval = *interval;
  c.startup_timeout = *startup;
  c.stop_timeout = *stop;
  if (auto mode = parse_restart_mode(r.restart)) c.restart = *mode;  // else run itself refuses it
  c.burst = r.burst;
  c.within = *within;
  c.restart_delay = *delay;
  if (!r.health.empty()) {
    if (auto url = parse_http_url(r.health)) c.health_url = *url;
  }
  c.events_given = !r.events.empty();
  return c;
}

emit::UnitHost unit_host(const UnitOptions& o, const std::string& headroom) {
  return emit::UnitHost{headroom, documentation(o, headroom), o.user};
}

int run_template(const UnitOptions& o, const std::string& headroom, Console& console) {
  const RunOptions& r = o.run;
  if (!r.name.empty() || !r.command.empty() || !o.passthrough.empty() || o.plain || o.enable ||
      o.kubernetes) {
    return console.fail(
        "--template takes no name, command or run options: each instance reads them from "
        "/etc/headroom/NAME.toml");
  }
  const std::string u = emit::template_unit(unit_host(o, headroom));
  if (Status st = lint_generated("headroom@.service", u, console); !st) {
    return console.fail(st.error().message);
  }
  return give_unit(o, "headroom@.service", u, "systemctl enable --now headroom@NAME", console);
}

int run_kubernetes(const UnitOptions& o, Console& console) {
  const RunOptions& r = o.run;
  if (o.install || o.enable || o.plain || !o.user.empty()) {
    return console.fail(
        "--kubernetes prints manifests for `kubectl apply -f -`: no --install, --enable, "
        "--plain or --user");
  }
  auto server = server_config(o, r.command);
  if (!server) return console.fail(server.error().message);
  if (Status st = emit::validate_for_kubernetes(*server); !st) {
    return console.fail(st.error().message);
  }
  emit::KubernetesInput k{*server,      o.image,       o.headroom_image,
                          std::nullopt, o.pod_monitor, o.no_host_paths};
  // After the input's checks: a --metrics that is not UTF-8 is said to be that.
  if (!r.metrics.empty()) {
    auto listen = parse_listen_address(r.metrics);
    if (!listen) return console.fail(fmt::format("--metrics: {}", listen.error().message));
    k.metrics = emit::Spelled<ListenAddress>{*listen, r.metrics};
  }
  auto m = emit::kubernetes_manifests(k);
  if (!m) return console.fail(m.error().message);
  for (const std::string& n : m->notes)
    console.note("headroom: " + n);
  std::fputs(m->yaml.c_str(), stdout);
  return 0;
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
  if (o.template_unit) return run_template(o, headroom, console);
  if (r.name.empty()) return console.fail("--name is required: it names the unit (NAME.service)");
  if (r.name.find('/') != std::string::npos || r.name.find_first_of(" \t\n") != std::string::npos) {
    return console.fail("--name: a unit name has no slashes or spaces");
  }
  if (r.command.empty()) return console.fail("give the server's command after --");
  if (o.kubernetes) return run_kubernetes(o, console);
  if (!o.image.empty() || !o.headroom_image.empty() || o.pod_monitor || o.no_host_paths) {
    return console.fail(
        "--image, --headroom-image, --pod-monitor and --no-host-paths go with --kubernetes");
  }
  std::vector<std::string> cmd = r.command;
  cmd[0] = absolute_program(cmd[0]);
  auto server = server_config(o, cmd);
  if (!server) return console.fail(server.error().message);
  auto u = emit::systemd_unit(
      emit::SystemdUnitInput{*server, unit_host(o, headroom), o.description, o.plain});
  if (!u) return console.fail(u.error().message);
  if (Status st = lint_generated(r.name + ".service", *u, console); !st) {
    return console.fail(st.error().message);
  }
  return give_unit(o, r.name + ".service", *u, "systemctl enable --now " + r.name, console);
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
