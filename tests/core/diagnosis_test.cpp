// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// Verdicts from recorded evidence: real /dev/kmsg line shapes for the memcg OOM killer, the
// global OOM killer, NVRM allocation failures and Xid errors.
#include "core/diagnosis.h"

#include <gtest/gtest.h>
#include <signal.h>

#include "core/restart_policy.h"
#include "core/size.h"

namespace headroom {
namespace {

using std::chrono::seconds;

const Instant t0 = Instant{} + std::chrono::hours(1);
constexpr int kExit1 = 1 << 8;

// Lines as this project's CI kernel (6.18) printed them for a memcg OOM in an integration test.
const char* kMemcgOomInfo =
    "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/"
    "headroom-pool,task_memcg=/headroom-pool,task=python3,pid=4242,uid=0";
const char* kMemcgOomKilled =
    "Memory cgroup out of memory: Killed process 4242 (python3) total-vm:21475287800kB, "
    "anon-rss:261120kB, file-rss:4428kB, shmem-rss:0kB, UID:0 pgtables:892kB oom_score_adj:0";
// The whole machine (mm/oom_kill.c, no memcg).
const char* kGlobalOomKilled =
    "Out of memory: Killed process 4243 (python3) total-vm:130023424kB, anon-rss:120586240kB, "
    "file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:236800kB oom_score_adj:0";
// GB10 (NVIDIA/open-gpu-kernel-modules#1358, vllm#56824).
const char* kNvrmNoMemory =
    "NVRM: nvCheckOkFailedNoLog: Check failed: Out of memory [NV_ERR_NO_MEMORY] (0x00000051) "
    "returned from _memdescAllocInternal(pMemDesc) @ mem_desc.c:1359";
const char* kXid31 =
    "NVRM: Xid (PCI:000f:01:00): 31, pid=4242, name=python3, Ch 00000008, intr 00000000. MMU "
    "Fault: ENGINE GRAPHICS GPCCLIENT_T1_0 faulted @ 0x7f3a_12345000.";

Evidence dead(int wait_status) {
  Evidence e;
  e.wait_status = wait_status;
  e.started = t0;
  e.died = t0 + seconds(60);
  e.pids = {4242, 4250};
  e.pool = "cgroup /headroom-pool";
  e.kernel_usec_at_death = 100'000'000;
  return e;
}

KernelRecord rec(const char* text, uint64_t usec = 99'000'000) {
  return KernelRecord{3, 1, usec, text};
}

TEST(KernelLog, ClassifiesTheLinesThatMatter) {
  KernelEvent e = classify_kernel_line(kMemcgOomKilled);
  EXPECT_EQ(e.kind, KernelEvent::Kind::kOomKilled);
  EXPECT_EQ(e.pid, 4242);
  EXPECT_EQ(e.task, "python3");
  EXPECT_TRUE(e.memcg_oom);
  e = classify_kernel_line(kMemcgOomInfo);
  EXPECT_EQ(e.kind, KernelEvent::Kind::kOomInfo);
  EXPECT_EQ(e.pid, 4242);
  EXPECT_EQ(e.memcg, "/headroom-pool");
  e = classify_kernel_line(kGlobalOomKilled);
  EXPECT_EQ(e.kind, KernelEvent::Kind::kOomKilled);
  EXPECT_FALSE(e.memcg_oom);
  EXPECT_EQ(classify_kernel_line(kNvrmNoMemory).kind, KernelEvent::Kind::kNvrmNoMemory);
  e = classify_kernel_line(kXid31);
  EXPECT_EQ(e.kind, KernelEvent::Kind::kNvrmXid);
  EXPECT_EQ(e.xid, 31);
  EXPECT_EQ(e.pid, 4242);
  e = classify_kernel_line(
      "NVRM: Xid (PCI:0000:01:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the "
      "bus.");
  EXPECT_EQ(e.xid, 79);
  EXPECT_EQ(e.pid, 0);
  EXPECT_EQ(classify_kernel_line("eth0: link up").kind, KernelEvent::Kind::kOther);
  EXPECT_EQ(classify_kernel_line("").kind, KernelEvent::Kind::kOther);
}

// Where the kernel's line gives no sizes (older formats), the last sample says what it can.
TEST(Diagnosis, MemcgOomKillWithMemoryContext) {
  Evidence e = dead(SIGKILL);
  e.kernel = {rec(kMemcgOomInfo),
              rec("Memory cgroup out of memory: Killed process 4242 (python3) score 998 or "
                  "sacrifice child")};
  e.memory = {
      {t0 + seconds(50), 128 * kGiB, 30 * kGiB},
      {t0 + seconds(57), 128 * kGiB, static_cast<uint64_t>(1.2 * static_cast<double>(kGiB))}};
  const Verdict v = diagnose(e);
  EXPECT_EQ(v.cause, Cause::kOomKiller);
  EXPECT_EQ(v.exit_status, 137);
  EXPECT_TRUE(v.failure);
  EXPECT_EQ(v.reason, "oom");
  EXPECT_EQ(
      v.line,
      "died: killed by the kernel OOM killer (cgroup /headroom-pool, 127 GiB in use, 1.20 GiB "
      "available 3 s before)");
}

// The kernel's own numbers, not a sample taken a moment before: the OOM report's cgroup usage and
// limit, and what the killed process held.
TEST(Diagnosis, OomVerdictCarriesTheKernelsNumbers) {
  KernelEvent u = classify_kernel_line("memory: usage 524288kB, limit 524288kB, failcnt 87");
  EXPECT_EQ(u.kind, KernelEvent::Kind::kMemcgUsage);
  EXPECT_EQ(u.usage, 512 * kMiB);
  EXPECT_EQ(u.limit, 512 * kMiB);
  const KernelEvent k = classify_kernel_line(kMemcgOomKilled);
  EXPECT_EQ(k.anon_rss, 261120 * kKiB);
  EXPECT_EQ(k.file_rss, 4428 * kKiB);
  EXPECT_EQ(k.shmem_rss, 0u);
  Evidence e = dead(SIGKILL);
  e.kernel = {rec("memory: usage 524288kB, limit 524288kB, failcnt 87"), rec(kMemcgOomInfo),
              rec(kMemcgOomKilled)};
  e.memory = {MemoryPoint{e.died - seconds(1), 512 * kMiB, 500 * kMiB}};  // a stale sample
  const Verdict v = diagnose(e);
  EXPECT_EQ(v.cause, Cause::kOomKiller);
  EXPECT_EQ(v.line,
            "died: killed by the kernel OOM killer (cgroup /headroom-pool, 512 MiB used of its "
            "512 MiB limit, the server held 259 MiB (anon 255 MiB, file 4.32 MiB, shmem 0 B))");
  EXPECT_EQ(v.footprint, (261120 + 4428) * kKiB);
}

TEST(Diagnosis, GlobalOomOfAWorker) {
  Evidence e = dead(kExit1);  // the main process exited 1 after its worker was killed
  e.pids = {4242, 4243};
  e.kernel = {rec(kGlobalOomKilled)};
  const Verdict v = diagnose(e);
  EXPECT_EQ(v.cause, Cause::kOomKiller);
  EXPECT_EQ(v.line,
            "died: worker 4243 (python3) killed by the kernel OOM killer (the whole machine, it "
            "held 115 GiB (anon 115 GiB, file 0 B, shmem 0 B)); then exit 1");
}

TEST(Diagnosis, OomOfAnotherProcessIsNotOurs) {
  Evidence e = dead(SIGKILL);
  e.kernel = {rec("Memory cgroup out of memory: Killed process 999 (other) total-vm:1kB")};
  const Verdict v = diagnose(e);
  EXPECT_EQ(v.cause, Cause::kKilledOutside);
  EXPECT_EQ(v.line, "died: SIGKILL from outside");
}

TEST(Diagnosis, OomCounterAloneWhenTheKernelLogIsUnreadable) {
  Evidence e = dead(SIGKILL);
  e.kernel_readable = false;
  e.oom_kills_delta = 1;
  const Verdict v = diagnose(e);
  EXPECT_EQ(v.cause, Cause::kOomKiller);
  EXPECT_EQ(v.line,
            "died: killed by the kernel OOM killer (cgroup /headroom-pool) [from the cgroup's "
            "oom_kill counter]");
}

TEST(Diagnosis, SigkillWithoutEvidenceSaysWhatIsMissing) {
  Evidence e = dead(SIGKILL);
  e.kernel_readable = false;
  EXPECT_EQ(diagnose(e).line,
            "died: SIGKILL from outside (no OOM record: the kernel log is not readable here; run "
            "as root to tell)");
}

TEST(Diagnosis, GpuAllocationFailureShortlyBeforeTheDeath) {
  Evidence e = dead(kExit1);
  e.kernel = {rec(kNvrmNoMemory, 98'000'000)};
  const Verdict v = diagnose(e);
  EXPECT_EQ(v.cause, Cause::kGpuOom);
  EXPECT_EQ(v.reason, "gpu_oom");
  EXPECT_EQ(v.line, "died: GPU allocation failed (NVRM: NV_ERR_NO_MEMORY 2 s before; exit 1)");
}

TEST(Diagnosis, OldNvrmLinesAreNotEvidence) {
  // vllm#56824: NV_ERR_NO_MEMORY is logged on healthy starts too. A minute before: no verdict.
  Evidence e = dead(kExit1);
  e.kernel = {rec(kNvrmNoMemory, 40'000'000)};
  EXPECT_EQ(diagnose(e).line, "died: exit 1");
  // ...and never against a clean exit.
  Evidence clean = dead(0);
  clean.kernel = {rec(kNvrmNoMemory, 99'000'000)};
  EXPECT_EQ(diagnose(clean).cause, Cause::kExited);
}

TEST(Diagnosis, XidNamingTheInstance) {
  Evidence e = dead(SIGABRT);
  e.kernel = {rec(kXid31)};
  EXPECT_EQ(diagnose(e).line,
            "died: GPU error (NVRM Xid 31: GPU memory page fault (MMU fault); SIGABRT)");
}

TEST(Diagnosis, PlainSignalsAndExits) {
  EXPECT_EQ(diagnose(dead(SIGSEGV | 0x80)).line, "died: SIGSEGV (core dumped)");
  EXPECT_EQ(diagnose(dead(SIGSEGV)).exit_status, 128 + SIGSEGV);
  EXPECT_EQ(diagnose(dead(kExit1)).line, "died: exit 1");
  const Verdict clean = diagnose(dead(0));
  EXPECT_EQ(clean.line, "exited: exit 0");
  EXPECT_FALSE(clean.failure);
}

// dash does not exec the last command of `sh -c 'server; exit $?'`: the server's SIGSEGV comes
// back as the shell's exit 139, and must still read as the signal.
TEST(Diagnosis, AShellsExitAbove128IsTheSignalItReports) {
  const Verdict v = diagnose(dead((128 + SIGSEGV) << 8));
  EXPECT_EQ(v.cause, Cause::kSignaled);
  EXPECT_EQ(v.reason, "signal");
  EXPECT_EQ(v.exit_status, 139);
  EXPECT_EQ(v.line, "died: SIGSEGV (reported as exit 139 by the command's wrapper)");
  // A wrapped SIGKILL with the kernel's OOM record of the server below the shell is an OOM kill.
  Evidence e = dead((128 + SIGKILL) << 8);
  e.kernel = {rec(kMemcgOomInfo), rec(kMemcgOomKilled)};
  const Verdict oom = diagnose(e);
  EXPECT_EQ(oom.cause, Cause::kOomKiller);
  EXPECT_EQ(diagnose(dead((128 + SIGKILL) << 8)).line,
            "died: SIGKILL from outside (reported as exit 137 by the command's wrapper)");
  EXPECT_EQ(diagnose(dead(128 << 8)).line, "died: exit 128") << "128 itself is no signal";
  EXPECT_EQ(diagnose(dead(200 << 8)).line, "died: exit 200") << "nor beyond 128 + 64";
}

TEST(Diagnosis, WhatHeadroomDidComesFirst) {
  Evidence e = dead(SIGKILL);
  e.stop = StopReason::kWedged;
  e.health_failures = 3;
  e.killed_after_timeout = true;
  e.stop_timeout = seconds(30);
  e.kernel = {rec(kMemcgOomKilled)};  // irrelevant: headroom killed it
  EXPECT_EQ(diagnose(e).line,
            "restarting: wedged (3 health checks failed in a row; SIGKILL after the 30.0s stop "
            "timeout)");
  Evidence stopped = dead(SIGTERM);
  stopped.stop = StopReason::kRequested;
  const Verdict v = diagnose(stopped);
  EXPECT_EQ(v.cause, Cause::kStopped);
  EXPECT_FALSE(v.failure);
}

TEST(Diagnosis, ExecFailuresUseTheShellsCodes) {
  EXPECT_EQ(exec_failure_verdict("sglang", ENOENT).exit_status, 127);
  EXPECT_EQ(exec_failure_verdict("./model.bin", EACCES).exit_status, 126);
  EXPECT_EQ(exec_failure_verdict("./model.bin", EACCES).line,
            "failed to start: ./model.bin: Permission denied (exit 126)");
}

TEST(RestartPolicy, Parses) {
  EXPECT_EQ(*parse_restart_mode("always"), RestartMode::kAlways);
  EXPECT_EQ(parse_restart_mode("sometimes").error().message,
            "--restart \"sometimes\": expected no, on-failure or always");
}

TEST(RestartPolicy, TheLimitIsASlidingWindow) {
  StartLimiter l(3, std::chrono::minutes(10));
  EXPECT_FALSE(l.record(t0));
  EXPECT_FALSE(l.record(t0 + std::chrono::minutes(5)));
  EXPECT_FALSE(l.record(t0 + std::chrono::minutes(11))) << "the first fell out of the window";
  EXPECT_TRUE(l.record(t0 + std::chrono::minutes(12)));
}

}  // namespace
}  // namespace headroom
