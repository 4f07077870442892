// tests/pg/lockout_test.cpp
//
// The account lockout's count against a real Postgres
// (accounts/lockout): concurrent failures on one subject are serialised by
// its row lock, so exactly one of them locks, and a lock holds until
// cleared.

#include "accounts/lockout.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "pg_database.h"

namespace authd::accounts {
namespace {

class Lockout : public ::testing::Test {
protected:
    static void SetUpTestSuite() { pgtest::prepare_database(); }
    void SetUp() override {
        if (pgtest::database().url.empty()) GTEST_SKIP();
    }
};

// The subject of an email, as the handlers derive it (a keyed hash).
std::string subject_for(std::string_view name) {
    static const Secret key(std::string(32, 'k'));
    return lockout_subject(key,
                           std::string(name) + "-" + std::to_string(getpid()) + "@example.com");
}

// One failed attempt as the login handler makes it: lock the row, count,
// commit.  Returns whether it was refused as locked before counting, and
// whether this failure locked.
struct Attempt {
    bool was_locked = false;
    bool locked_now = false;
};

Attempt fail_once(db::Connection& db, const std::string& subject, const Config::Lockout& c) {
    Attempt a;
    auto tx = db::Transaction::begin(db);
    EXPECT_TRUE(tx);
    auto state = lock_state(*tx, subject);
    EXPECT_TRUE(state) << state.error().detail;
    if (state->locked) {
        a.was_locked = true;
    } else {
        auto count = record_failure(*tx, subject, c);
        EXPECT_TRUE(count) << count.error().detail;
        a.locked_now = count->locked_now;
    }
    EXPECT_TRUE(tx->commit());
    return a;
}

TEST_F(Lockout, TwelveConcurrentFailuresLockExactlyOnce) {
    const Config::Lockout config{5, 900, 900};
    const std::string subject = subject_for("twelve");
    std::atomic<int> locked_now{0}, refused{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 12; ++i) {
        threads.emplace_back([&] {
            db::Connection db(pgtest::database());
            Attempt a = fail_once(db, subject, config);
            locked_now += a.locked_now;
            refused += a.was_locked;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(locked_now.load(), 1);  // the 5th failure, whichever thread had it
    EXPECT_EQ(refused.load(), 12 - 5);
    db::Connection db(pgtest::database());
    auto tx = db::Transaction::begin(db);
    ASSERT_TRUE(tx);
    auto state = lock_state(*tx, subject);
    ASSERT_TRUE(state);
    EXPECT_TRUE(state->locked);
    EXPECT_GT(state->retry_after, 0);
    EXPECT_LE(state->retry_after, 900);
    ASSERT_TRUE(clear_failures(*tx, subject));
    state = lock_state(*tx, subject);
    ASSERT_TRUE(state);
    EXPECT_FALSE(state->locked);
}

TEST_F(Lockout, FourFailuresDoNotLock) {
    const Config::Lockout config{5, 900, 900};
    const std::string subject = subject_for("four");
    db::Connection db(pgtest::database());
    for (int i = 0; i < 4; ++i) EXPECT_FALSE(fail_once(db, subject, config).locked_now);
    auto tx = db::Transaction::begin(db);
    ASSERT_TRUE(tx);
    auto state = lock_state(*tx, subject);
    ASSERT_TRUE(state);
    EXPECT_FALSE(state->locked);
}

}  // namespace
}  // namespace authd::accounts
