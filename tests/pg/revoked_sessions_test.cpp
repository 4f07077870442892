// tests/pg/revoked_sessions_test.cpp
//
// The validator's revoked set against a real Postgres
// (validate/revoked_sessions, sessions::find_ended_since): a revoking
// transaction that stays open for longer than any overlap a time cursor
// could allow (6 s here), while later revocations commit and are read, is
// still seen on the first refresh after its commit; a session's fixed end
// is seen once it passes, also one written a second into the past; and a revocation is stamped
// after the revoking statement held the session's row, not at its transaction's start.

#include "validate/revoked_sessions.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "core/clock.h"
#include "pg_database.h"
#include "sessions/session_store.h"

namespace authd::validate {
namespace {

const audit::Origin kOrigin{"127.0.0.1", "pg-tests", "req-pg"};

class RevokedSetTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { pgtest::prepare_database(); }
    void SetUp() override {
        if (pgtest::database().url.empty()) GTEST_SKIP();
        tokens_.access_ttl = 900;
        tokens_.leeway = 30;
    }

    std::string new_session(int ttl_seconds = 3600) {
        auto tx = db::Transaction::begin(db_);
        EXPECT_TRUE(tx);
        auto issued =
            sessions::create_session(*tx, {pgtest::new_user(db_), ttl_seconds, {"pwd"}, kOrigin});
        EXPECT_TRUE(issued) << issued.error().detail;
        EXPECT_TRUE(tx->commit());
        return issued ? issued->session.id : std::string();
    }

    // A refresh at least one interval after the previous one.
    void refresh(RevokedSessions& set) {
        std::this_thread::sleep_for(
            std::chrono::milliseconds(RevokedSessions::kRefreshIntervalMs + 10));
        auto r = set.refresh(reader_, wall_clock_ms());
        ASSERT_TRUE(r) << r.error().detail;
    }

    static void sleep_ms(int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

    Config::Tokens tokens_;
    db::Connection db_{pgtest::database()};
    db::Connection reader_{pgtest::database()};
};

TEST_F(RevokedSetTest, ARevocationCommittedLongAfterItsWriteIsStillSeen) {
    const std::string slow_session = new_session();
    const std::string quick_session = new_session();
    RevokedSessions set(tokens_);
    refresh(set);

    // The slow transaction revokes, then stays open.
    db::Connection slow_conn(pgtest::database());
    auto slow = db::Transaction::begin(slow_conn);
    ASSERT_TRUE(slow);
    auto revoked = sessions::revoke_session(*slow, slow_session, {}, "logout");
    ASSERT_TRUE(revoked && *revoked);
    refresh(set);
    EXPECT_FALSE(set.contains(slow_session)) << "not committed yet";

    // Six seconds later another revocation commits and is read: a cursor
    // of times would now stand past the slow one's start.
    sleep_ms(6000);
    {
        auto quick = db::Transaction::begin(db_);
        ASSERT_TRUE(quick);
        ASSERT_TRUE(sessions::revoke_session(*quick, quick_session, {}, "logout"));
        ASSERT_TRUE(quick->commit());
    }
    refresh(set);
    EXPECT_TRUE(set.contains(quick_session));
    EXPECT_FALSE(set.contains(slow_session));
    refresh(set);

    ASSERT_TRUE(slow->commit());
    refresh(set);
    EXPECT_TRUE(set.contains(slow_session)) << "a late commit must not slip past the cursor";
    EXPECT_EQ(set.find(slow_session), Ending::revoked);
}

TEST_F(RevokedSetTest, EveryRevocationOfAConcurrentBatchIsSeen) {
    // Several transactions open at once, committed in the reverse order of
    // their writes, with refreshes in between.
    constexpr int kCount = 4;
    std::string ids[kCount];
    std::optional<db::Connection> conns[kCount];
    std::optional<db::Transaction> txs[kCount];
    for (int i = 0; i < kCount; ++i) ids[i] = new_session();
    RevokedSessions set(tokens_);
    refresh(set);
    for (int i = 0; i < kCount; ++i) {
        conns[i].emplace(pgtest::database());
        auto tx = db::Transaction::begin(*conns[i]);
        ASSERT_TRUE(tx);
        txs[i].emplace(std::move(*tx));
        ASSERT_TRUE(sessions::revoke_session(*txs[i], ids[i], {}, "logout"));
    }
    for (int i = kCount - 1; i >= 0; --i) {
        refresh(set);
        ASSERT_TRUE(txs[i]->commit());
    }
    refresh(set);
    for (const std::string& id : ids) EXPECT_TRUE(set.contains(id)) << id;
}

TEST_F(RevokedSetTest, ASessionsFixedEndIsSeenOnceItPasses) {
    const std::string id = new_session(1);
    RevokedSessions set(tokens_);
    refresh(set);
    EXPECT_FALSE(set.contains(id));
    sleep_ms(1100);
    refresh(set);
    EXPECT_EQ(set.find(id), Ending::expired);
}

TEST_F(RevokedSetTest, AnEndWrittenIntoTheRecentPastIsSeen) {
    // An operator ends a session by hand, a little in the past.
    const std::string id = new_session();
    RevokedSessions set(tokens_);
    refresh(set);
    refresh(set);
    ASSERT_TRUE(
        db_.exec(db::Statement{"pg_test_end_session",
                               "UPDATE sessions SET expires_at = now() - interval '1 second'"
                               " WHERE id = $1::uuid"},
                 {id}));
    refresh(set);
    EXPECT_EQ(set.find(id), Ending::expired);
}

TEST_F(RevokedSetTest, TheRevocationIsStampedAfterTheRowLockNotAtTheTransactionsStart) {
    // A refresh holds the session's row; a revocation that began before it
    // waits, and its time must not be earlier than the refresh's tokens.
    const std::string id = new_session();
    auto revoking = db::Transaction::begin(db_);
    ASSERT_TRUE(revoking);
    auto started = db_.exec(db::Statement{"pg_test_now", "SELECT extract(epoch FROM now())"});
    ASSERT_TRUE(started);
    const double start = std::stod(std::string(started->text(0, 0)));

    db::Connection holder_conn(pgtest::database());
    auto holder = db::Transaction::begin(holder_conn);
    ASSERT_TRUE(holder);
    ASSERT_TRUE(sessions::lock_live_session(*holder, id));
    std::thread release([&] {
        sleep_ms(1500);
        EXPECT_TRUE(holder->commit());
    });
    auto revoked = sessions::revoke_session(*revoking, id, {}, "logout");  // waits for the lock
    release.join();
    ASSERT_TRUE(revoked && *revoked);
    ASSERT_TRUE(revoking->commit());

    auto at = db_.exec(db::Statement{"pg_test_revoked_at",
                                     "SELECT extract(epoch FROM revoked_at) FROM revoked_sessions"
                                     " WHERE session_id = $1::uuid"},
                       {id});
    ASSERT_TRUE(at && at->size() == 1);
    EXPECT_GE(std::stod(std::string(at->text(0, 0))) - start, 1.4);
}

}  // namespace
}  // namespace authd::validate
