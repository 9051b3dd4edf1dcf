// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
#include "core/size.h"

#include <gtest/gtest.h>

namespace headroom {
namespace {

uint64_t bytes(std::string_view s, BareNumber bare = BareNumber::kReject) {
  auto r = parse_size(s, bare);
  EXPECT_TRUE(r.ok()) << s << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : 0;
}

std::string error_of(std::string_view s, BareNumber bare = BareNumber::kReject) {
  auto r = parse_size_spec(s, bare);
  EXPECT_FALSE(r.ok()) << s << " parsed";
  return r.ok() ? "" : r.error().message;
}

TEST(Size, BinaryUnitsFollowTheProjectConvention) {
  EXPECT_EQ(bytes("70G"), 70 * kGiB);
  EXPECT_EQ(bytes("70g"), 70 * kGiB);
  EXPECT_EQ(bytes("70GiB"), 70 * kGiB);
  EXPECT_EQ(bytes("70Gi"), 70 * kGiB);
  EXPECT_EQ(bytes("600M"), 600 * kMiB);
  EXPECT_EQ(bytes("4K"), 4096u);
  EXPECT_EQ(bytes("1T"), kTiB);
}

TEST(Size, DecimalUnitsArePowersOfTen) {
  EXPECT_EQ(bytes("70GB"), 70'000'000'000ULL);
  EXPECT_EQ(bytes("70gb"), 70'000'000'000ULL);
  EXPECT_EQ(bytes("5MB"), 5'000'000ULL);
  EXPECT_EQ(bytes("1kB"), 1000u);
}

TEST(Size, FractionsAreExact) {
  EXPECT_EQ(bytes("1.5G"), kGiB + kGiB / 2);
  EXPECT_EQ(bytes("0.5K"), 512u);
  EXPECT_EQ(bytes("121.69G"), 121 * kGiB + 69 * kGiB / 100);
  EXPECT_EQ(bytes(" 2 G "), 2 * kGiB);
}

TEST(Size, BareNumbersDependOnTheCaller) {
  EXPECT_EQ(bytes("70", BareNumber::kGibibytes), 70 * kGiB);  // `headroom wait 70 300`
  EXPECT_EQ(bytes("4096", BareNumber::kBytes), 4096u);
  EXPECT_NE(error_of("70").find("has no unit: write 70G"), std::string::npos);
  // Zero needs no unit (--free 0, --os-reserve 0).
  EXPECT_EQ(bytes("0"), 0u);
  EXPECT_EQ(bytes("0.0"), 0u);
  EXPECT_NE(error_of("0.5").find("has no unit"), std::string::npos);
}

TEST(Size, PercentIsAShareOfThePool) {
  auto p = parse_size_spec("60%", BareNumber::kReject);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->kind, SizeSpec::Kind::kPercent);
  EXPECT_EQ(p->resolve(100 * kGiB), 60 * kGiB);
  EXPECT_EQ(parse_size_spec("12.5%", BareNumber::kReject)->resolve(8 * kGiB), kGiB);
  EXPECT_NE(error_of("101%").find("cannot exceed 100%"), std::string::npos);
  EXPECT_FALSE(parse_size("60%", BareNumber::kReject).ok());
}

TEST(Size, BadInputNamesTheProblem) {
  EXPECT_NE(error_of("-5G").find("negative"), std::string::npos);
  EXPECT_NE(error_of("+5G").find("without a sign"), std::string::npos);
  EXPECT_NE(error_of("5Q").find("unknown unit \"Q\""), std::string::npos);
  EXPECT_NE(error_of("G").find("not a number"), std::string::npos);
  EXPECT_NE(error_of("1.2.3G").find("not a number"), std::string::npos);
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
  EXPECT_NE(error_of("1e9").find("unknown unit"), std::string::npos);
  EXPECT_NE(error_of("0x10G").find("unknown unit"), std::string::npos);
}

TEST(Size, OverflowIsAnErrorNotAWrap) {
  EXPECT_NE(error_of("99999999999999999999").find("too large"), std::string::npos);
  EXPECT_NE(error_of("17179869184G").find("too large"), std::string::npos);  // 2^34 GiB = 2^64
  EXPECT_NE(error_of("16E").find("unknown unit"), std::string::npos);
}

TEST(Size, FormatUsesThreeSignificantDigits) {
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(kKiB), "1.00 KiB");
  EXPECT_EQ(format_bytes(70 * kGiB), "70.0 GiB");
  EXPECT_EQ(format_bytes(128 * kGiB), "128 GiB");
  EXPECT_EQ(format_bytes(1536 * kMiB), "1.50 GiB");
  EXPECT_EQ(format_signed_bytes(-static_cast<int64_t>(2 * kGiB)), "-2.00 GiB");
  EXPECT_EQ(format_signed_bytes(INT64_MIN), "-8192 PiB");
}

}  // namespace
}  // namespace headroom
