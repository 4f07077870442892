// tests/pg/outbox_test.cpp
//
// Claiming queued mail against a real Postgres (mail/outbox): two mailers
// never hold the same row (FOR UPDATE SKIP LOCKED), and together they take
// every row exactly once.

#include "mail/outbox.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "keys/keyring.h"
#include "pg_database.h"

namespace authd::mail {
namespace {

class Outbox : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        pgtest::prepare_database();
        if (pgtest::database().url.empty()) return;
        char templ[] = "/tmp/authd-pg-keys-XXXXXX";
        ASSERT_NE(mkdtemp(templ), nullptr);
        dir_ = templ;
        ASSERT_TRUE(keys::init_keys(dir_ + "/keys", JwsAlg::es256, false));
        auto k = keys::Keyring::load(dir_ + "/keys", JwsAlg::es256, 0);
        ASSERT_TRUE(k) << k.error().detail;
        keys_ = std::make_unique<keys::Keyring>(std::move(*k));
    }
    static void TearDownTestSuite() {
        keys_.reset();
        if (!dir_.empty()) std::filesystem::remove_all(dir_);
    }
    void SetUp() override {
        if (pgtest::database().url.empty()) GTEST_SKIP();
        db::Connection db(pgtest::database());
        // Only this test's rows: nothing else uses this database's outbox.
        ASSERT_TRUE(db.exec_simple("DELETE FROM mail_outbox"));
    }

    void enqueue_many(int n) {
        db::Connection db(pgtest::database());
        auto tx = db::Transaction::begin(db);
        ASSERT_TRUE(tx);
        for (int i = 0; i < n; ++i) {
            auto r = enqueue(*tx, *keys_, "password_changed",
                             "pg-" + std::to_string(i) + "@example.com", {{"first_name", "Pg"}});
            ASSERT_TRUE(r) << r.error().detail;
        }
        ASSERT_TRUE(tx->commit());
    }

    static inline std::string dir_;
    static inline std::unique_ptr<keys::Keyring> keys_;
};

TEST_F(Outbox, TwoOpenClaimsHoldDifferentRows) {
    enqueue_many(3);
    db::Connection a(pgtest::database()), b(pgtest::database());
    auto ta = db::Transaction::begin(a);
    auto tb = db::Transaction::begin(b);
    ASSERT_TRUE(ta && tb);
    auto ra = claim_next(*ta);
    auto rb = claim_next(*tb);
    ASSERT_TRUE(ra && *ra && rb && *rb);
    EXPECT_NE((*ra)->id, (*rb)->id);
    ASSERT_TRUE(mark_sent(a, (*ra)->id));
    ASSERT_TRUE(ta->commit());
    // b's row is still b's until it commits; a's next claim is the third.
    auto ta2 = db::Transaction::begin(a);
    auto ra2 = claim_next(*ta2);
    ASSERT_TRUE(ra2 && *ra2);
    EXPECT_NE((*ra2)->id, (*rb)->id);
    EXPECT_NE((*ra2)->id, (*ra)->id);
}

TEST_F(Outbox, TwoMailersTakeEveryRowExactlyOnce) {
    enqueue_many(40);
    std::mutex m;
    std::vector<int64_t> taken;
    auto mailer = [&] {
        db::Connection db(pgtest::database());
        for (;;) {
            auto tx = db::Transaction::begin(db);
            ASSERT_TRUE(tx);
            auto row = claim_next(*tx);
            ASSERT_TRUE(row) << row.error().detail;
            if (!*row) return;
            ASSERT_TRUE(mark_sent(db, (*row)->id));
            ASSERT_TRUE(tx->commit());
            std::lock_guard<std::mutex> lock(m);
            taken.push_back((*row)->id);
        }
    };
    std::thread one(mailer), two(mailer);
    one.join();
    two.join();
    EXPECT_EQ(taken.size(), 40u);
    EXPECT_EQ(std::set<int64_t>(taken.begin(), taken.end()).size(), 40u);
}

}  // namespace
}  // namespace authd::mail
