// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// The event schema's one owner: what `headroom run` writes is what `why` and `restart` read.
#include "act/event_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace headroom {
namespace {

TEST(EventSchema, EveryKindHasANameThatReadsBack) {
  for (int k = 0; k <= static_cast<int>(RunEvent::Kind::kWaiting); ++k) {
    const auto kind = static_cast<RunEvent::Kind>(k);
    const std::string name = event_name(kind);
    EXPECT_NE(name, "?");
    EXPECT_EQ(event_kind(name), kind) << name;
  }
  EXPECT_EQ(event_kind("renamed_in_a_newer_version"), std::nullopt);
}

TEST(EventSchema, AWrittenDeathReadsBackWithItsVerdict) {
  RunEvent died;
  died.kind = RunEvent::Kind::kDied;
  died.pid = 4242;
  died.attempt = 2;
  Verdict v;
  v.cause = Cause::kOomKiller;
  v.exit_status = 137;
  v.reason = "oom";
  v.line = "died: killed by the kernel OOM killer";
  died.verdict = v;
  const std::string line = event_json("chat", died, "2026-12-03T06:08:38.123Z");

  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["event"], "died");
  EXPECT_EQ(j["pid"], 4242);
  EXPECT_EQ(j["exit_status"], 137);
  EXPECT_EQ(j["reason"], "oom");

  const EventFile file = parse_events(line + "\n");
  ASSERT_EQ(file.events.size(), 1u);
  const EventRecord& r = file.events[0];
  EXPECT_EQ(r.kind, RunEvent::Kind::kDied);
  EXPECT_EQ(r.name, "chat");
  EXPECT_EQ(r.time, "2026-12-03T06:08:38.123Z");
  EXPECT_EQ(r.verdict, v.line);
  EXPECT_EQ(r.line, 1);
}

TEST(EventSchema, AProbeEventsResultAndTheSentenceTheConsoleShows) {
  RunEvent probe;
  probe.kind = RunEvent::Kind::kProbe;
  probe.text = "health: connection refused";
  probe.count = 1;
  probe.probe = ProbeOutcome{false, "health", "refused", 0, "connection refused"};
  EXPECT_EQ(event_sentence(probe, "vllm serve m"),
            "health: connection refused (after 1 other answer)");
  const EventFile file = parse_events(event_json("x", probe, iso_now()));
  ASSERT_EQ(file.events.size(), 1u);
  EXPECT_EQ(file.events[0].result, "refused");

  RunEvent started;
  started.kind = RunEvent::Kind::kStarted;
  started.pid = 7;
  started.attempt = 1;
  EXPECT_EQ(event_sentence(started, "vllm serve m"), "started pid 7 (attempt 1): vllm serve m");
}

TEST(EventSchema, LinesThatAreNotEventsAreCountedNotRead) {
  const EventFile file = parse_events(
      "{\"event\":\"ready\",\"name\":\"a\"}\n"
      "\n"
      "not json\n"
      "[1,2]\n"
      "{\"no_event\":1}\n"
      "{\"event\":3,\"text\":\"odd\"}\n");
  ASSERT_EQ(file.events.size(), 2u);
  EXPECT_EQ(file.events[0].kind, RunEvent::Kind::kReady);
  EXPECT_EQ(file.events[1].event, "");  // not a string: no name, no kind
  EXPECT_EQ(file.events[1].kind, std::nullopt);
  EXPECT_EQ(file.events[1].line, 6);
  EXPECT_THAT(file.bad_lines, ::testing::ElementsAre(3, 4, 5));
}

TEST(EventSchema, TheWallClockStampIsIso8601UtcWithMilliseconds) {
  const std::string t = iso_now();
  ASSERT_EQ(t.size(), 24u) << t;
  EXPECT_EQ(t[4], '-');
  EXPECT_EQ(t[10], 'T');
  EXPECT_EQ(t[19], '.');
  EXPECT_EQ(t.back(), 'Z');
}

}  // namespace
}  // namespace headroom
