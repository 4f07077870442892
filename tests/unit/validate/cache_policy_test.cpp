// tests/unit/validate/cache_policy_test.cpp
//
// The micro-cache's decisions without nginx: how long a 204 may be kept
// (never past the budget, the token's end or a whole second nginx cannot
// express; never from a revoked set that is not fresh), the header that
// says so, and the key the validator expects nginx to have used.

#include "validate/cache_policy.h"

#include <gtest/gtest.h>

#include <string>

namespace authd::validate {
namespace {

constexpr int64_t kFarExp = 4'000'000'000;  // a token that outlives every case

// When nginx stops serving an entry whose last second is `last`.
int64_t served_until_ms(int64_t last) { return (last + 1) * 1000; }

TEST(CachePolicy, TheBoundIsTheRefreshIntervalPlusTheCacheLife) {
    EXPECT_EQ(kCacheLifeMs, 1000);
    EXPECT_EQ(kCachedRevocationBoundMs, 1500);
}

TEST(CachePolicy, AnEntryEndsOnTheLastSecondBoundaryWithinItsLife) {
    // At 100.000 s: served through second 100, so until 101.000.
    EXPECT_EQ(cache_last_second(100'000, 100'000, kFarExp), 100);
    // At 100.999 s: still second 100 (101.999 would be past the budget).
    EXPECT_EQ(cache_last_second(100'999, 100'999, kFarExp), 100);
    // At 101.000 s: second 101.
    EXPECT_EQ(cache_last_second(101'000, 100'900, kFarExp), 101);
}

TEST(CachePolicy, NeverLongerThanTheCacheLifeAtAnyMillisecond) {
    for (int64_t now = 200'000; now < 202'000; now += 7) {
        for (int64_t age : {0, 1, 250, 499}) {
            auto last = cache_last_second(now, now - age, kFarExp);
            ASSERT_TRUE(last) << now << " " << age;
            EXPECT_LE(served_until_ms(*last), now + kCacheLifeMs) << now;
            EXPECT_GT(served_until_ms(*last), now) << now;
            // With the set's age: within the revocation bound of the
            // oldest revocation the answer might have missed.
            EXPECT_LE(served_until_ms(*last) - (now - age), kCachedRevocationBoundMs);
        }
    }
}

TEST(CachePolicy, NotFromASetThatIsNotFresh) {
    EXPECT_EQ(cache_last_second(100'000, 0, kFarExp), std::nullopt);  // never refreshed
    EXPECT_EQ(cache_last_second(100'000, 99'501, kFarExp), 100);
    EXPECT_EQ(cache_last_second(100'000, 99'500, kFarExp), std::nullopt);   // 500 ms old
    EXPECT_EQ(cache_last_second(100'000, 90'000, kFarExp), std::nullopt);   // a failing Postgres
    EXPECT_EQ(cache_last_second(100'000, 100'001, kFarExp), std::nullopt);  // clock went back
}

TEST(CachePolicy, NeverPastTheTokensEnd) {
    // The validator refuses from expires_at on: the entry ends by then.
    EXPECT_EQ(cache_last_second(100'200, 100'200, 101), 100);           // ends at 101.000
    EXPECT_EQ(cache_last_second(100'200, 100'200, 102), 100);           // the budget ends it first
    EXPECT_EQ(cache_last_second(100'200, 100'200, 100), std::nullopt);  // already refused
    // expires at 101 and now is 100.999: one millisecond left, the whole
    // of second 100 is still inside it.
    EXPECT_EQ(cache_last_second(100'999, 100'999, 101), 100);
    for (int64_t now = 300'000; now < 303'000; now += 13) {
        auto last = cache_last_second(now, now, 302);
        if (last) {
            EXPECT_LE(served_until_ms(*last), 302'000) << now;
        }
    }
    EXPECT_EQ(cache_last_second(302'000, 302'000, 302), std::nullopt);
}

TEST(CachePolicy, AccelExpiresIsAbsoluteOrZero) {
    EXPECT_EQ(accel_expires(1764892800), "@1764892800");
    EXPECT_EQ(accel_expires(std::nullopt), "0");
}

http::Request through_cache(std::string key) {
    http::Request r;
    r.params["AUTHD_REQUIRE_MFA"] = "1";
    r.params["AUTHD_REQUIRE_GROUP"] = "admins";
    r.params["AUTHD_FORWARDS_IDENTITY"] = "0";
    r.headers["authorization"] = "Bearer abc.def.ghi";
    r.headers["cookie"] = "a=b; __Secure-authd_access=x.y.z";
    r.params["AUTHD_CACHE_KEY"] = std::move(key);
    return r;
}

TEST(CachePolicy, TheKeyJoinsWhatTheValidatorReads) {
    const std::string key = "1\nadmins\nBearer abc.def.ghi\na=b; __Secure-authd_access=x.y.z";
    http::Request r = through_cache(key);
    EXPECT_EQ(expected_cache_key(r), key);
    EXPECT_TRUE(cache_key_covers(r));

    http::Request bare;
    EXPECT_EQ(expected_cache_key(bare), "\n\n\n");
}

TEST(CachePolicy, AKeyThatDiffersFromWhatAuthdReadIsNeverCached) {
    const std::string key = "1\nadmins\nBearer abc.def.ghi\na=b; __Secure-authd_access=x.y.z";
    // nginx keyed on another Authorization header than the one authd read
    // (two headers: nginx takes the first, authd the last).
    http::Request r = through_cache(key);
    r.headers["authorization"] = "Bearer other";
    EXPECT_FALSE(cache_key_covers(r));
    // A requirement missing from the key.
    r = through_cache("\nadmins\nBearer abc.def.ghi\na=b; __Secure-authd_access=x.y.z");
    EXPECT_FALSE(cache_key_covers(r));
    // The uncached location: no key at all.
    r = through_cache(key);
    r.params.erase("AUTHD_CACHE_KEY");
    EXPECT_FALSE(cache_key_covers(r));
}

TEST(CachePolicy, ALocationThatForwardsTheIdentityIsNeverCached) {
    const std::string key = "1\nadmins\nBearer abc.def.ghi\na=b; __Secure-authd_access=x.y.z";
    http::Request r = through_cache(key);
    r.params["AUTHD_FORWARDS_IDENTITY"] = "1";
    EXPECT_FALSE(cache_key_covers(r));
}

}  // namespace
}  // namespace authd::validate
