// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/duration.h"

#include <gtest/gtest.h>

namespace headroom {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

Duration d(std::string_view s) {
  auto r = parse_duration(s);
  EXPECT_TRUE(r.ok()) << s << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : Duration{};
}

std::string error_of(std::string_view s) {
  auto r = parse_duration(s);
  EXPECT_FALSE(r.ok()) << s << " parsed";
  return r.ok() ? "" : r.error().message;
}

TEST(Duration, BareNumbersAreSecondsLikeSystemdAndTheSeed) {
  EXPECT_EQ(d("300"), seconds(300));
  EXPECT_EQ(d("0"), Duration{0});
  EXPECT_EQ(d("1.5"), milliseconds(1500));
}

TEST(Duration, UnitsAndCombinations) {
  EXPECT_EQ(d("100ms"), milliseconds(100));
  EXPECT_EQ(d("5m"), seconds(300));
  EXPECT_EQ(d("5min"), seconds(300));
  EXPECT_EQ(d("1h"), seconds(3600));
  EXPECT_EQ(d("1m30s"), seconds(90));
  EXPECT_EQ(d("1min 30s"), seconds(90));
  EXPECT_EQ(d("2d"), seconds(2 * 86400));
  EXPECT_EQ(d("250us"), std::chrono::microseconds(250));
  EXPECT_EQ(d("infinity"), kForever);
}

TEST(Duration, BadInputNamesTheProblem) {
  EXPECT_NE(error_of("-1s").find("negative"), std::string::npos);
  EXPECT_NE(error_of("5 parsecs").find("unknown unit \"parsecs\""), std::string::npos);
  EXPECT_NE(error_of("abc").find("not a number"), std::string::npos);
  EXPECT_NE(error_of("1m 30").find("unit is missing"), std::string::npos);
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
  EXPECT_NE(error_of("99999999999999999999").find("not a number"), std::string::npos);
  EXPECT_NE(error_of("1000000d").find("too long"), std::string::npos);
}

TEST(Duration, FormatIsShortAndHuman) {
  EXPECT_EQ(format_duration(milliseconds(350)), "350ms");
  EXPECT_EQ(format_duration(milliseconds(1234)), "1.2s");
  EXPECT_EQ(format_duration(seconds(300)), "5m 0s");
  EXPECT_EQ(format_duration(seconds(7380)), "2h 3m");
  EXPECT_EQ(format_duration(kForever), "forever");
}

}  // namespace
}  // namespace headroom
