// tests/unit/crypto/totp_test.cpp
//
// TOTP (crypto/totp): the RFC 6238 appendix B SHA-1 vectors, the ±1 step
// window and its exact edges, the refusal of malformed codes, and a
// cross-check against the independent oathtool command when installed.
#include "crypto/totp.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/encoding.h"
#include "support/programs.h"

namespace authd::crypto {
namespace {

using authd::testing::command_output;
using authd::testing::on_path;

constexpr std::string_view kRfcSecret = "12345678901234567890";

struct RfcVector {
    int64_t time;
    int64_t step;
    const char* code;  // last 6 digits of the RFC's 8-digit value
};

// RFC 6238 appendix B, SHA-1 column.
const RfcVector kRfc6238[] = {
    {59, 1, "287082"},
    {1111111109, 37037036, "081804"},
    {1111111111, 37037037, "050471"},
    {1234567890, 41152263, "005924"},
    {2000000000, 66666666, "279037"},
    {20000000000, 666666666, "353130"},
};

TEST(Totp, Constants) {
    EXPECT_EQ(kTotpDigits, 6);
    EXPECT_EQ(kTotpPeriod, 30);
}

TEST(Totp, Rfc6238Vectors) {
    for (const auto& v : kRfc6238) {
        EXPECT_EQ(totp_step(v.time), v.step) << v.time;
        EXPECT_EQ(totp_code(kRfcSecret, totp_step(v.time)), v.code) << v.time;
        EXPECT_EQ(match_totp(kRfcSecret, v.code, v.time), std::optional<int64_t>(v.step)) << v.time;
    }
}

TEST(Totp, StepIsFloor) {
    EXPECT_EQ(totp_step(0), 0);
    EXPECT_EQ(totp_step(29), 0);
    EXPECT_EQ(totp_step(30), 1);
    EXPECT_EQ(totp_step(-1), -1);
    EXPECT_EQ(totp_step(-30), -1);
    EXPECT_EQ(totp_step(-31), -2);
}

TEST(Totp, AcceptsAdjacentStepsAndReturnsTheAbsoluteStep) {
    const int64_t now_time = 1111111111;
    const int64_t now = totp_step(now_time);
    for (const int64_t delta : {-1, 0, 1}) {
        const std::string code = totp_code(kRfcSecret, now + delta);
        EXPECT_EQ(match_totp(kRfcSecret, code, now_time), std::optional<int64_t>(now + delta))
            << delta;
    }
}

TEST(Totp, RefusesStepsOutsideTheWindow) {
    const int64_t now_time = 1111111111;
    const int64_t now = totp_step(now_time);
    for (const int64_t delta : {-2, 2, -3, 3, 100}) {
        const std::string code = totp_code(kRfcSecret, now + delta);
        // Guard the test itself: this code must not happen to equal one in the window.
        for (const int64_t near : {now - 1, now, now + 1}) {
            ASSERT_NE(code, totp_code(kRfcSecret, near));
        }
        EXPECT_EQ(match_totp(kRfcSecret, code, now_time), std::nullopt) << delta;
    }
}

TEST(Totp, RefusesTheRightCodeUnderAnotherSecret) {
    const int64_t t = 1111111111;
    const std::string code = totp_code(kRfcSecret, totp_step(t));
    EXPECT_EQ(match_totp("12345678901234567891", code, t), std::nullopt);
}

TEST(Totp, RefusesMalformedCodes) {
    const int64_t t = 1111111111;
    const std::string good = totp_code(kRfcSecret, totp_step(t));
    ASSERT_EQ(good, "050471");
    const std::string_view bad[] = {
        "",
        "05047",
        "0504710",
        " 050471",
        "050471 ",
        "05047a",
        "O50471",
        "+50471",
        "-50471",
        "05 471",
        "0x0471",
        "050471\n",
        "\xd9\xa0"
        "5047",
    };
    for (const auto code : bad) {
        EXPECT_EQ(match_totp(kRfcSecret, code, t), std::nullopt) << code;
    }
    // An embedded NUL must not end the comparison early.
    EXPECT_EQ(match_totp(kRfcSecret, std::string_view("05047\0", 6), t), std::nullopt);
}

TEST(Totp, NoNegativeStepNearTheEpoch) {
    // At t = 10 the window is steps -1, 0, 1; -1 is no step at all.
    EXPECT_EQ(match_totp(kRfcSecret, totp_code(kRfcSecret, 0), 10), std::optional<int64_t>(0));
    EXPECT_EQ(match_totp(kRfcSecret, totp_code(kRfcSecret, 1), 10), std::optional<int64_t>(1));
    // Step -1 would reach liboath as counter 2^64 - 1; its code must not be accepted.
    const std::string wrapped = totp_code(kRfcSecret, -1);
    ASSERT_NE(wrapped, totp_code(kRfcSecret, 0));
    ASSERT_NE(wrapped, totp_code(kRfcSecret, 1));
    EXPECT_EQ(match_totp(kRfcSecret, wrapped, 10), std::nullopt);
}

TEST(Totp, NewSecretIs160RandomBits) {
    const std::string a = new_totp_secret();
    const std::string b = new_totp_secret();
    EXPECT_EQ(a.size(), 20u);
    EXPECT_EQ(b.size(), 20u);
    EXPECT_NE(a, b);
}

TEST(Totp, AgreesWithOathtool) {
    if (!on_path("oathtool")) GTEST_SKIP() << "oathtool not on PATH";
    const int64_t t = 1795392000;  // 2026-11-23 00:00:00 UTC
    for (int i = 0; i < 5; ++i) {
        const std::string secret = i == 0 ? std::string(kRfcSecret) : new_totp_secret();
        const std::string b32 = base32_encode(secret);
        const auto expected =
            command_output("oathtool --totp -b " + b32 + " --now '2026-11-23 00:00:00 UTC'");
        ASSERT_TRUE(expected) << "oathtool failed";
        EXPECT_EQ(totp_code(secret, totp_step(t)), *expected) << b32;
        EXPECT_EQ(match_totp(secret, *expected, t), std::optional<int64_t>(totp_step(t)));
    }
}

}  // namespace
}  // namespace authd::crypto
