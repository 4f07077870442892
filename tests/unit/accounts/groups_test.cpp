// tests/unit/accounts/groups_test.cpp
//
// accounts/groups: which group names are valid (what the table's CHECK
// allows: 1-64 of A-Z a-z 0-9 _ . -, the first a letter or digit), so that
// a name is always safe in a token claim, a header and nginx's
// comma-separated AUTHD_REQUIRE_GROUP.

#include "accounts/groups.h"

#include <gtest/gtest.h>

#include <string>

namespace authd::accounts {
namespace {

using namespace std::string_literals;

TEST(GroupName, Accepts) {
    for (const char* good :
         {"a", "Z", "7", "admins", "ops.eu-1", "Team_A", "0-._", "a.b.c", "ALL-CAPS", "x--y"}) {
        EXPECT_TRUE(valid_group_name(good)) << good;
    }
    EXPECT_TRUE(valid_group_name(std::string(64, 'g')));
    EXPECT_TRUE(valid_group_name("a" + std::string(63, '-')));
}

TEST(GroupName, Refuses) {
    for (const char* bad : {"", "-ops", ".hidden", "_x", "a,b", "a b", " a", "a ", "a\tb", "a\nb",
                            "a/b", "a:b", "a;b", "a\"b", "a@b", "ünïcode", "a+b", "a*", "(a)"}) {
        EXPECT_FALSE(valid_group_name(bad)) << bad;
    }
    EXPECT_FALSE(valid_group_name(std::string(65, 'g')));
    EXPECT_FALSE(valid_group_name("a\0b"s));
}

}  // namespace
}  // namespace authd::accounts
