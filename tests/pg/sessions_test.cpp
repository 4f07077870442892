// tests/pg/sessions_test.cpp
//
// Refresh-token rotation against a real Postgres (sessions/session_store):
// the grace window, reuse after it revoking the whole session, and twenty
// concurrent rotations of one token, each on its own connection.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pg_database.h"
#include "sessions/session_store.h"

namespace authd::sessions {
namespace {

const audit::Origin kOrigin{"127.0.0.1", "pg-tests", "req-pg"};

class Rotation : public ::testing::Test {
protected:
    static void SetUpTestSuite() { pgtest::prepare_database(); }
    void SetUp() override {
        if (pgtest::database().url.empty()) GTEST_SKIP();
    }

    // A new session; returns its first refresh token.
    std::string login() {
        auto tx = db::Transaction::begin(db_);
        EXPECT_TRUE(tx);
        auto issued = create_session(*tx, {pgtest::new_user(db_), 3600, {"pwd"}, kOrigin});
        EXPECT_TRUE(issued) << issued.error().detail;
        EXPECT_TRUE(tx->commit());
        session_id_ = issued->session.id;
        return std::string(issued->refresh_token.reveal());
    }

    bool revoked() {
        auto s = find_session(db_, session_id_);
        EXPECT_TRUE(s && *s);
        return (*s)->revoked;
    }

    db::Connection db_{pgtest::database()};
    std::string session_id_;
};

TEST_F(Rotation, EveryUseRotates) {
    std::string token = login();
    for (int i = 0; i < 3; ++i) {
        auto r = rotate_refresh_token(db_, token, 0, kOrigin);
        ASSERT_TRUE(r) << r.error().detail;
        ASSERT_EQ(r->outcome, RotateOutcome::rotated);
        EXPECT_FALSE(r->in_grace);
        EXPECT_EQ(r->session.id, session_id_);
        const std::string next(r->refresh_token.reveal());
        EXPECT_NE(next, token);
        token = next;
    }
    EXPECT_FALSE(revoked());
}

TEST_F(Rotation, ASpentTokenInsideTheGraceWindowGetsAnotherPair) {
    const std::string first = login();
    auto a = rotate_refresh_token(db_, first, 10, kOrigin);
    auto b = rotate_refresh_token(db_, first, 10, kOrigin);
    ASSERT_TRUE(a && b);
    ASSERT_EQ(b->outcome, RotateOutcome::rotated);
    EXPECT_TRUE(b->in_grace);
    // Both successors stay valid.
    for (const auto* r : {&*a, &*b}) {
        auto next = rotate_refresh_token(db_, r->refresh_token.reveal(), 10, kOrigin);
        ASSERT_TRUE(next);
        EXPECT_EQ(next->outcome, RotateOutcome::rotated);
    }
    EXPECT_FALSE(revoked());
}

TEST_F(Rotation, ASpentTokenAfterTheWindowRevokesTheSession) {
    const std::string first = login();
    auto a = rotate_refresh_token(db_, first, 0, kOrigin);
    ASSERT_TRUE(a);
    auto reuse = rotate_refresh_token(db_, first, 0, kOrigin);
    ASSERT_TRUE(reuse);
    EXPECT_EQ(reuse->outcome, RotateOutcome::reuse_revoked);
    EXPECT_TRUE(revoked());
    // The successor died with the session.
    auto after = rotate_refresh_token(db_, a->refresh_token.reveal(), 0, kOrigin);
    ASSERT_TRUE(after);
    EXPECT_NE(after->outcome, RotateOutcome::rotated);
    auto unknown = rotate_refresh_token(db_, "not-a-token", 0, kOrigin);
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->outcome, RotateOutcome::invalid);
}

// Twenty clients present the same token at once, each on its own
// connection.  Returns the outcomes.
std::vector<RotateOutcome> rotate_concurrently(const std::string& token, int grace,
                                               std::set<std::string>* successors) {
    constexpr int kClients = 20;
    std::vector<RotateOutcome> outcomes(kClients, RotateOutcome::invalid);
    std::vector<std::string> tokens(kClients);
    std::vector<std::thread> threads;
    for (int i = 0; i < kClients; ++i) {
        threads.emplace_back([&, i] {
            db::Connection db(pgtest::database());
            auto r = rotate_refresh_token(db, token, grace, kOrigin);
            ASSERT_TRUE(r) << r.error().detail;
            outcomes[i] = r->outcome;
            if (r->outcome == RotateOutcome::rotated) tokens[i] = r->refresh_token.reveal();
        });
    }
    for (auto& t : threads) t.join();
    for (auto& t : tokens) {
        if (!t.empty()) successors->insert(t);
    }
    return outcomes;
}

TEST_F(Rotation, TwentyConcurrentRotationsInsideTheWindowAllSucceed) {
    const std::string token = login();
    std::set<std::string> successors;
    auto outcomes = rotate_concurrently(token, 10, &successors);
    for (auto o : outcomes) EXPECT_EQ(o, RotateOutcome::rotated);
    EXPECT_EQ(successors.size(), 20u);  // twenty distinct, all live
    for (const auto& s : successors) {
        auto r = rotate_refresh_token(db_, s, 10, kOrigin);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->outcome, RotateOutcome::rotated);
    }
    EXPECT_FALSE(revoked());
}

TEST_F(Rotation, TwentyConcurrentRotationsWithoutGraceOneWinsAndTheSessionDies) {
    const std::string token = login();
    std::set<std::string> successors;
    auto outcomes = rotate_concurrently(token, 0, &successors);
    int rotated = 0, reused = 0, dead = 0;
    for (auto o : outcomes) {
        rotated += o == RotateOutcome::rotated;
        reused += o == RotateOutcome::reuse_revoked;
        dead += o == RotateOutcome::invalid;
    }
    // One wins; the next one in is a reuse and revokes the session; the
    // rest find it revoked.  (Before the window was measured with
    // clock_timestamp(), presentations whose transactions began before the
    // winner committed were let through as well: 3 "rotated" in one run.)
    EXPECT_EQ(rotated, 1);
    EXPECT_EQ(reused, 1);
    EXPECT_EQ(dead, 18);
    EXPECT_TRUE(revoked());
    for (const auto& s : successors) {
        auto r = rotate_refresh_token(db_, s, 0, kOrigin);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->outcome, RotateOutcome::invalid);
    }
}

}  // namespace
}  // namespace authd::sessions
