// tests/unit/mfa/session_proof_test.cpp
//
// Who may manage an active 2FA: a session with "otp" in its amr, or the
// session that enrolled it; never another password-only session, and
// never any when the enrolling session is unknown.
#include "mfa/session_proof.h"

#include <gtest/gtest.h>

namespace authd::mfa {
namespace {

constexpr std::string_view kEnrolling = "9b2e7c1a-3f4d-4e5a-8b6c-7d8e9f0a1b2c";
constexpr std::string_view kOther = "4f6c2f4e-1d2b-4c8a-9a3e-6b1f0c2d3e4f";

TEST(SessionProof, ASecondFactorLoginHasProvedIt) {
    EXPECT_TRUE(session_proved_second_factor({"pwd", "otp"}, kOther, kEnrolling));
    EXPECT_TRUE(session_proved_second_factor({"pwd", "otp"}, kOther, ""));
}

TEST(SessionProof, TheEnrollingSessionHasProvedIt) {
    EXPECT_TRUE(session_proved_second_factor({"pwd"}, kEnrolling, kEnrolling));
}

TEST(SessionProof, AnotherPasswordOnlySessionHasNot) {
    EXPECT_FALSE(session_proved_second_factor({"pwd"}, kOther, kEnrolling));
    EXPECT_FALSE(session_proved_second_factor({}, kOther, kEnrolling));
}

TEST(SessionProof, AnUnknownEnrollingSessionAdmitsNoPasswordOnlySession) {
    EXPECT_FALSE(session_proved_second_factor({"pwd"}, kOther, ""));
    EXPECT_FALSE(session_proved_second_factor({"pwd"}, "", ""));
}

TEST(SessionProof, OnlyTheExactMethodNameCounts) {
    EXPECT_FALSE(session_proved_second_factor({"pwd", "otpx"}, kOther, kEnrolling));
    EXPECT_FALSE(session_proved_second_factor({"pwd", "OTP"}, kOther, kEnrolling));
}

}  // namespace
}  // namespace authd::mfa
