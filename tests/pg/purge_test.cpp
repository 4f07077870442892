// tests/pg/purge_test.cpp
//
// Each store's purge against a real Postgres: what has been dead long
// enough goes, what still lives (or died too recently to forget) stays.
// Rows are aged by moving their timestamps back, with parameterised SQL.

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "accounts/email_codes.h"
#include "accounts/lockout.h"
#include "mail/outbox.h"
#include "mfa/challenge_store.h"
#include "pg_database.h"
#include "sessions/session_store.h"

namespace authd {
namespace {

const audit::Origin kOrigin{"127.0.0.1", "pg-tests", "req-pg"};

class Purge : public ::testing::Test {
protected:
    static void SetUpTestSuite() { pgtest::prepare_database(); }
    void SetUp() override {
        if (pgtest::database().url.empty()) GTEST_SKIP();
    }

    // Runs `sql` with one text parameter and returns the single integer it
    // selects.
    int64_t count(std::string_view name, std::string_view sql, const std::string& param) {
        auto rows = db_.exec({name, sql}, {param});
        EXPECT_TRUE(rows) << rows.error().detail;
        return rows->integer(0, 0);
    }
    void run(std::string_view name, std::string_view sql, const std::string& param) {
        auto r = db_.run({name, sql}, {param});
        ASSERT_TRUE(r) << r.error().detail;
    }

    std::string session(int ttl) {
        auto tx = db::Transaction::begin(db_);
        EXPECT_TRUE(tx);
        auto issued = sessions::create_session(*tx, {pgtest::new_user(db_), ttl, {"pwd"}, kOrigin});
        EXPECT_TRUE(issued) << issued.error().detail;
        EXPECT_TRUE(tx->commit());
        return issued->session.id;
    }

    db::Connection db_{pgtest::database()};
};

TEST_F(Purge, SessionsEndedOverADayAgoGo) {
    const std::string old = session(3600), live = session(3600), recent = session(3600);
    run("t_age_session",
        "UPDATE sessions SET expires_at = now() - interval '2 days' WHERE id = $1::uuid", old);
    run("t_end_session",
        "UPDATE sessions SET expires_at = now() - interval '1 hour' WHERE id = $1::uuid", recent);
    Config::Tokens tokens;
    auto purged = sessions::purge_sessions(db_, tokens);
    ASSERT_TRUE(purged) << purged.error().detail;
    EXPECT_GE(*purged, 1);
    constexpr std::string_view kCount = "SELECT count(*) FROM sessions WHERE id = $1::uuid";
    EXPECT_EQ(count("t_count_session", kCount, old), 0);
    EXPECT_EQ(count("t_count_session", kCount, live), 1);
    EXPECT_EQ(count("t_count_session", kCount, recent), 1);
}

TEST_F(Purge, EmailCodesExpiredOverADayAgoGo) {
    const Secret key(std::string(32, 'k'));
    const std::string old_user = pgtest::new_user(db_), live_user = pgtest::new_user(db_);
    for (const auto& u : {old_user, live_user}) {
        auto tx = db::Transaction::begin(db_);
        ASSERT_TRUE(tx);
        ASSERT_TRUE(accounts::issue_code(*tx, key, u, accounts::CodePurpose::verify_email, 3600));
        ASSERT_TRUE(tx->commit());
    }
    run("t_age_codes",
        "UPDATE email_codes SET expires_at = now() - interval '2 days' WHERE user_id = $1::uuid",
        old_user);
    auto purged = accounts::purge_expired_codes(db_);
    ASSERT_TRUE(purged) << purged.error().detail;
    constexpr std::string_view kCount = "SELECT count(*) FROM email_codes WHERE user_id = $1::uuid";
    EXPECT_EQ(count("t_count_codes", kCount, old_user), 0);
    EXPECT_EQ(count("t_count_codes", kCount, live_user), 1);
}

TEST_F(Purge, LockoutRowsGoOnceTheirWindowAndLockAreOver) {
    const Secret key(std::string(32, 'k'));
    const Config::Lockout config{5, 900, 900};
    auto subject = [&](const char* name) {
        return accounts::lockout_subject(
            key, std::string(name) + std::to_string(getpid()) + "@example.com");
    };
    const std::string stale = subject("stale"), locked = subject("locked"),
                      fresh = subject("fresh");
    for (const auto& s : {stale, locked, fresh}) {
        auto tx = db::Transaction::begin(db_);
        ASSERT_TRUE(tx);
        ASSERT_TRUE(accounts::lock_state(*tx, s));
        ASSERT_TRUE(accounts::record_failure(*tx, s, config));
        ASSERT_TRUE(tx->commit());
    }
    run("t_age_failures",
        "UPDATE login_failures SET window_start = now() - interval '1 day'"
        " WHERE subject = decode($1, 'hex')",
        stale);
    run("t_lock_failures",
        "UPDATE login_failures SET window_start = now() - interval '1 day',"
        " locked_until = now() + interval '10 minutes' WHERE subject = decode($1, 'hex')",
        locked);
    auto purged = accounts::purge_lockouts(db_, config);
    ASSERT_TRUE(purged) << purged.error().detail;
    constexpr std::string_view kCount =
        "SELECT count(*) FROM login_failures WHERE subject = decode($1, 'hex')";
    EXPECT_EQ(count("t_count_failures", kCount, stale), 0);
    EXPECT_EQ(count("t_count_failures", kCount, locked), 1);  // still locked
    EXPECT_EQ(count("t_count_failures", kCount, fresh), 1);   // its window runs
}

TEST_F(Purge, MfaChallengesLongExpiredGo) {
    const std::string old_user = pgtest::new_user(db_), live_user = pgtest::new_user(db_);
    for (const auto& u : {old_user, live_user}) {
        auto tx = db::Transaction::begin(db_);
        ASSERT_TRUE(tx);
        ASSERT_TRUE(mfa::create_challenge(*tx, {u, false, false, 300}));
        ASSERT_TRUE(tx->commit());
    }
    run("t_age_challenges",
        "UPDATE mfa_challenges SET expires_at = now() - interval '2 days' WHERE user_id = $1::uuid",
        old_user);
    auto purged = mfa::purge_expired_challenges(db_);
    ASSERT_TRUE(purged) << purged.error().detail;
    constexpr std::string_view kCount =
        "SELECT count(*) FROM mfa_challenges WHERE user_id = $1::uuid";
    EXPECT_EQ(count("t_count_challenges", kCount, old_user), 0);
    EXPECT_EQ(count("t_count_challenges", kCount, live_user), 1);
}

TEST_F(Purge, MailSentOverAWeekAgoGoesPendingMailStays) {
    ASSERT_TRUE(db_.exec_simple("DELETE FROM mail_outbox"));
    ASSERT_TRUE(db_.exec_simple(
        "INSERT INTO mail_outbox (template, recipient, message_id, key_id, sent_at)"
        " VALUES ('password_changed', 'old@example.com', 'pg-old', '1', now() - interval '8 days'),"
        "        ('password_changed', 'new@example.com', 'pg-new', '1', now() - interval '1 day'),"
        "        ('password_changed', 'due@example.com', 'pg-due', '1', NULL)"));
    auto purged = mail::purge_sent(db_);
    ASSERT_TRUE(purged) << purged.error().detail;
    EXPECT_EQ(*purged, 1);
    constexpr std::string_view kCount = "SELECT count(*) FROM mail_outbox WHERE message_id = $1";
    EXPECT_EQ(count("t_count_mail", kCount, "pg-old"), 0);
    EXPECT_EQ(count("t_count_mail", kCount, "pg-new"), 1);
    EXPECT_EQ(count("t_count_mail", kCount, "pg-due"), 1);
}

}  // namespace
}  // namespace authd
