// tests/unit/audit/audit_test.cpp
//
// Audit details are JSON objects written by json::Writer: strings escaped,
// booleans as booleans, whatever the values hold.

#include "audit/audit.h"

#include <gtest/gtest.h>

namespace authd::audit {
namespace {

TEST(AuditDetail, StringsAndBooleans) {
    EXPECT_EQ(session_detail("0b9c3f1e-2d6a-4c8e-9f00-1a2b3c4d5e6f"),
              R"({"session_id":"0b9c3f1e-2d6a-4c8e-9f00-1a2b3c4d5e6f"})");
    EXPECT_EQ(detail({{"session_id", std::string_view("s")}, {"mfa", true}}),
              R"({"session_id":"s","mfa":true})");
    EXPECT_EQ(detail({{"grace", false}}), R"({"grace":false})");
    EXPECT_EQ(detail({}), "{}");
}

TEST(AuditDetail, ValuesCannotBreakOutOfTheirString) {
    EXPECT_EQ(detail({{"reason", std::string_view("a\",\"admin\":true,\"x\":\"\\\n")}}),
              R"({"reason":"a\",\"admin\":true,\"x\":\"\\\n"})");
}

}  // namespace
}  // namespace authd::audit
