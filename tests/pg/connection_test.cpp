// tests/pg/connection_test.cpp
//
// db::Connection's bound on a statement ([database] statement_timeout_ms)
// against a real Postgres: a statement stuck behind another session's row
// lock is cancelled within the timeout and reported `unavailable` (the
// request's 503), its transaction rolls back, and the connection serves the
// next statement.

#include "db/connection.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "pg_database.h"

namespace authd::db {
namespace {

constexpr Statement kLockUser{"pgtest_lock_user",
                              "SELECT 1 FROM users WHERE id = $1::uuid FOR UPDATE"};
constexpr Statement kRename{"pgtest_rename_user",
                            "UPDATE users SET first_name = 'Changed' WHERE id = $1::uuid"};
constexpr Statement kNameOf{"pgtest_name_of", "SELECT first_name FROM users WHERE id = $1::uuid"};

class StatementTimeout : public ::testing::Test {
protected:
    static void SetUpTestSuite() { pgtest::prepare_database(); }
    void SetUp() override {
        if (pgtest::database().url.empty()) GTEST_SKIP();
    }
};

TEST_F(StatementTimeout, AStatementBehindALockIsUnavailableWithinTheTimeout) {
    Connection holder(pgtest::database(), 0);
    Connection waiter(pgtest::database(), 300);
    const std::string user = pgtest::new_user(holder);
    auto held = Transaction::begin(holder);
    ASSERT_TRUE(held);
    ASSERT_TRUE(holder.exec(kLockUser, {user}));

    const auto start = std::chrono::steady_clock::now();
    {
        auto tx = Transaction::begin(waiter);
        ASSERT_TRUE(tx);
        auto renamed = waiter.exec(kRename, {user});
        ASSERT_FALSE(renamed);
        EXPECT_EQ(renamed.error().code, ErrorCode::unavailable) << renamed.error().detail;
        EXPECT_NE(renamed.error().detail.find("57014"), std::string::npos)
            << renamed.error().detail;
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
    ASSERT_TRUE(held->commit());

    // The connection goes on, and the cancelled write left nothing.
    auto name = waiter.exec(kNameOf, {user});
    ASSERT_TRUE(name) << name.error().detail;
    EXPECT_NE(name->text(0, 0), "Changed");
}

TEST_F(StatementTimeout, TheConfiguredTimeoutIsTheDefault) {
    Config::Database settings = pgtest::database();
    settings.statement_timeout_ms = 250;
    Connection db(settings);
    constexpr Statement kShow{"", "SHOW statement_timeout"};
    auto shown = db.exec(kShow);
    ASSERT_TRUE(shown) << shown.error().detail;
    EXPECT_EQ(shown->text(0, 0), "250ms");
}

}  // namespace
}  // namespace authd::db
