// tests/unit/validate/validate_test.cpp
//
// The validate hot path without Postgres: the verified-token cache (a hit,
// expiry with the token's exp, the bound and its eviction order,
// keys that are digests and never the token), the revoked set's pure steps
// (the window, duplicates, pruning, the refresh interval; the cursor is
// tested against Postgres in tests/pg/revoked_sessions_test.cpp), the
// login URL's percent-encoding, the AUTHD_REQUIRE_GROUP decision, and the
// Validator itself against a database that is not there (404/405, 401s
// with and without X-Auth-Login, 503 for a valid token once the revoked set
// cannot be read).

#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

#include <filesystem>
#include <string>
#include <vector>

#include "crypto/digest.h"
#include "keys/keyring.h"
#include "sessions/token.h"
#include "validate/revoked_sessions.h"
#include "validate/token_cache.h"
#include "validate/validator.h"

namespace authd::validate {
namespace {

sessions::AccessClaims claims_for(std::string sid, int64_t exp) {
    sessions::AccessClaims c;
    c.user_id = "0b9c3f1e-2d6a-4c8e-9f00-1a2b3c4d5e6f";
    c.session_id = std::move(sid);
    c.email = "ada@example.com";
    c.name = "Ada Lovelace";
    c.amr = {"pwd"};
    c.auth_time = exp - 900;
    c.expires_at = exp;
    return c;
}

// --- TokenCache ------------------------------------------------------------

TEST(TokenCache, HitReturnsTheStoredClaims) {
    TokenCache cache;
    EXPECT_EQ(cache.find("tok-a", 1000), nullptr);
    cache.insert("tok-a", claims_for("s-a", 1900), 1000);
    const sessions::AccessClaims* hit = cache.find("tok-a", 1001);
    ASSERT_NE(hit, nullptr);
    EXPECT_EQ(hit->session_id, "s-a");
    EXPECT_EQ(hit->email, "ada@example.com");
    EXPECT_EQ(hit->amr, std::vector<std::string>{"pwd"});
    EXPECT_EQ(cache.find("tok-b", 1001), nullptr);
    EXPECT_EQ(cache.find("tok-a ", 1001), nullptr);
}

TEST(TokenCache, ExpiresWithTheToken) {
    TokenCache cache;
    cache.insert("tok", claims_for("s", 2000), 1500);
    // verify_access_token accepts while now < exp; so does the cache.
    EXPECT_NE(cache.find("tok", 1999), nullptr);
    EXPECT_EQ(cache.find("tok", 2000), nullptr);
    EXPECT_EQ(cache.size(), 0u) << "an expired entry is dropped when found";
}

TEST(TokenCache, ReinsertReplacesWithoutGrowing) {
    TokenCache cache(4);
    cache.insert("tok", claims_for("s1", 2000), 1000);
    cache.insert("tok", claims_for("s2", 3000), 1000);
    EXPECT_EQ(cache.size(), 1u);
    ASSERT_NE(cache.find("tok", 2500), nullptr);
    EXPECT_EQ(cache.find("tok", 2500)->session_id, "s2");
}

TEST(TokenCache, BoundIsRespected) {
    TokenCache cache;
    EXPECT_EQ(cache.capacity(), TokenCache::kDefaultCapacity);
    for (int i = 0; i < 10050; ++i) {
        cache.insert("tok-" + std::to_string(i), claims_for("s", 5000 + i), 1000);
        ASSERT_LE(cache.size(), TokenCache::kDefaultCapacity);
    }
    EXPECT_EQ(cache.size(), TokenCache::kDefaultCapacity);
    EXPECT_NE(cache.find("tok-10049", 1000), nullptr);
}

TEST(TokenCache, EvictsExpiredFirstThenTheClosestToItsEnd) {
    TokenCache cache(3);
    cache.insert("late", claims_for("s", 9000), 100);
    cache.insert("soon", claims_for("s", 150), 100);
    cache.insert("middle", claims_for("s", 5000), 100);
    // At 200 "soon" has expired: it goes, although "late" is the oldest.
    cache.insert("new1", claims_for("s", 8000), 200);
    EXPECT_EQ(cache.size(), 3u);
    EXPECT_EQ(cache.find("soon", 100), nullptr);
    EXPECT_NE(cache.find("late", 200), nullptr);
    EXPECT_NE(cache.find("middle", 200), nullptr);
    // Nothing expired: the entry closest to its end ("middle") goes.
    cache.insert("new2", claims_for("s", 7000), 200);
    EXPECT_EQ(cache.size(), 3u);
    EXPECT_EQ(cache.find("middle", 200), nullptr);
    EXPECT_NE(cache.find("late", 200), nullptr);
    EXPECT_NE(cache.find("new1", 200), nullptr);
    EXPECT_NE(cache.find("new2", 200), nullptr);
}

TEST(TokenCache, KeyIsTheSha256OfTheTokenNeverTheToken) {
    const std::string token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    TokenCache cache;
    cache.insert(token, claims_for("s", 2000), 1000);
    const std::string key = TokenCache::key_of(token);
    EXPECT_EQ(key, crypto::sha256(token));
    EXPECT_EQ(key.size(), 32u);
    EXPECT_TRUE(cache.contains_key(key));
    EXPECT_FALSE(cache.contains_key(token));
    EXPECT_EQ(key.find("eyJ"), std::string::npos);
}

// --- RevokedSessions ---------------------------------------------------------

Config::Tokens tokens_config() {
    Config::Tokens t;
    t.access_ttl = 900;
    t.leeway = 30;
    return t;
}

constexpr int64_t kNow = 1'700'000'000'000;  // unix ms
constexpr int64_t kWindow = (900 + 30) * 1000 + RevokedSessions::kMarginMs;

Revocation revoked(std::string sid, int64_t at_ms) {
    return Revocation{std::move(sid), at_ms, Ending::revoked};
}

TEST(RevokedSessions, WindowIsTokenLifePlusLeewayPlusMargin) {
    RevokedSessions set(tokens_config());
    EXPECT_EQ(set.window_ms(), kWindow);
}

TEST(RevokedSessions, AsksOnlyForRowsInsideTheWindow) {
    RevokedSessions set(tokens_config());
    EXPECT_EQ(set.last_refresh_ms(), 0);
    EXPECT_EQ(set.horizon_ms(kNow), kNow - kWindow);
    // The window is the current access_ttl's: a reload that lowers it
    // narrows the set, and tokens older than the new access_ttl are refused
    // as expired (sessions::verify_access_token) in the same reload.
    Config::Tokens shorter = tokens_config();
    shorter.access_ttl = 60;
    EXPECT_EQ(RevokedSessions(shorter).window_ms(), (60 + 30) * 1000 + RevokedSessions::kMarginMs);
}

TEST(RevokedSessions, RowsReadTwiceAreOneEntry) {
    // The cursor re-reads the rows of transactions after the oldest one
    // still open (the pg tier tests the cursor itself).
    RevokedSessions set(tokens_config());
    std::vector<Revocation> first = {revoked("a", kNow - 100)};
    set.apply(first, kNow);
    std::vector<Revocation> second = {revoked("b", kNow - 3'100), revoked("a", kNow - 100)};
    set.apply(second, kNow + 500);
    EXPECT_TRUE(set.contains("a"));
    EXPECT_TRUE(set.contains("b"));
    EXPECT_EQ(set.size(), 2u);
}

TEST(RevokedSessions, PrunesWhatLeftTheWindow) {
    RevokedSessions set(tokens_config());
    std::vector<Revocation> rows = {revoked("old", kNow - 10'000), revoked("new", kNow)};
    set.apply(rows, kNow);
    EXPECT_TRUE(set.contains("old"));
    set.apply({}, kNow - 10'000 + kWindow);
    EXPECT_TRUE(set.contains("old")) << "exactly at the window's edge it stays";
    set.apply({}, kNow - 10'000 + kWindow + 1);
    EXPECT_FALSE(set.contains("old"));
    EXPECT_TRUE(set.contains("new"));
    set.apply({}, kNow + kWindow + 1);
    EXPECT_EQ(set.size(), 0u);
}

TEST(RevokedSessions, IgnoresRowsOlderThanTheWindowButFollowsThem) {
    RevokedSessions set(tokens_config());
    std::vector<Revocation> rows = {revoked("ancient", kNow - kWindow - 1)};
    set.apply(rows, kNow);
    EXPECT_FALSE(set.contains("ancient"));
    EXPECT_EQ(set.size(), 0u);
}

TEST(RevokedSessions, ASessionSeenTwiceKeepsItsLaterEnd) {
    RevokedSessions set(tokens_config());
    std::vector<Revocation> rows = {revoked("s", kNow - 60'000),
                                    Revocation{"s", kNow - 1'000, Ending::expired}};
    set.apply(rows, kNow);
    EXPECT_EQ(set.size(), 1u);
    EXPECT_EQ(set.find("s"), Ending::expired);
    // Kept for the window after the later time, not the earlier one.
    set.apply({}, kNow - 60'000 + kWindow + 1);
    EXPECT_TRUE(set.contains("s"));
    set.apply({}, kNow - 1'000 + kWindow + 1);
    EXPECT_FALSE(set.contains("s"));
    EXPECT_FALSE(set.find("unknown").has_value());
}

TEST(RevokedSessions, RefreshesAtMostEveryInterval) {
    RevokedSessions set(tokens_config());
    EXPECT_TRUE(set.refresh_due(kNow));
    set.mark_refreshed(kNow);
    EXPECT_EQ(set.last_refresh_ms(), kNow);
    EXPECT_FALSE(set.refresh_due(kNow));
    EXPECT_FALSE(set.refresh_due(kNow + RevokedSessions::kRefreshIntervalMs - 1));
    EXPECT_TRUE(set.refresh_due(kNow + RevokedSessions::kRefreshIntervalMs));
    EXPECT_TRUE(set.refresh_due(kNow - 1)) << "a clock that went back never stalls refreshes";
}

// --- The login URL ----------------------------------------------------------

constexpr std::string_view kPortal = "http://127.0.0.1:8080";

TEST(LoginLocation, PercentEncodesTheWholeUrl) {
    EXPECT_EQ(login_location("http://127.0.0.1:8080/demo/page?x=1&y=a b#top", true, kPortal),
              "/login?rd=http%3A%2F%2F127.0.0.1%3A8080%2Fdemo%2Fpage%3Fx%3D1%26y%3Da%20b%23top");
    EXPECT_EQ(login_location("http://127.0.0.1:8080/a-b.c_d~e", true, kPortal),
              "/login?rd=http%3A%2F%2F127.0.0.1%3A8080%2Fa-b.c_d~e");
    EXPECT_EQ(login_location("http://127.0.0.1:8080/caf\xc3\xa9?q=%41+\r\n\"<>", true, kPortal),
              "/login?rd=http%3A%2F%2F127.0.0.1%3A8080%2Fcaf%C3%A9%3Fq%3D%2541%2B%0D%0A%22%3C%3E");
}

TEST(LoginLocation, BareLoginWhenNotAllowed) {
    EXPECT_EQ(login_location("https://evil.example/", false, kPortal), "/login");
    EXPECT_EQ(login_location("", false, kPortal), "/login");
}

TEST(LoginLocation, AnAppOnAnotherOriginIsSentToThePortal) {
    // Another port is another origin: the login form is the portal's.
    EXPECT_EQ(login_location("http://127.0.0.1:8081/x", true, kPortal),
              "http://127.0.0.1:8080/login?rd=http%3A%2F%2F127.0.0.1%3A8081%2Fx");
    EXPECT_EQ(login_location("https://app.example.com/", true, "https://auth.example.com"),
              "https://auth.example.com/login?rd=https%3A%2F%2Fapp.example.com%2F");
    // Same origin in another spelling: case and the default port.
    EXPECT_EQ(login_location("HTTPS://Auth.Example.com:443/p", true, "https://auth.example.com"),
              "/login?rd=HTTPS%3A%2F%2FAuth.Example.com%3A443%2Fp");
}

// --- AUTHD_REQUIRE_GROUP -----------------------------------------------------

TEST(GroupsSatisfy, NoRequirementAdmitsEveryone) {
    const std::vector<std::string> none;
    EXPECT_TRUE(groups_satisfy(none, ""));
    EXPECT_TRUE(groups_satisfy(none, "   "));
    EXPECT_TRUE(groups_satisfy(none, " \t "));
    EXPECT_TRUE(groups_satisfy({"admins"}, ""));
}

TEST(GroupsSatisfy, AnyOneOfTheListWillDo) {
    const std::vector<std::string> groups{"admins", "ops"};
    EXPECT_TRUE(groups_satisfy(groups, "admins"));
    EXPECT_TRUE(groups_satisfy(groups, "ops"));
    EXPECT_TRUE(groups_satisfy(groups, "billing,ops"));
    EXPECT_TRUE(groups_satisfy(groups, "ops,billing"));
    EXPECT_TRUE(groups_satisfy(groups, "  billing ,  admins  "));
    EXPECT_TRUE(groups_satisfy(groups, "billing,,ops,"));
    EXPECT_FALSE(groups_satisfy(groups, "billing"));
    EXPECT_FALSE(groups_satisfy(groups, "billing, support"));
}

TEST(GroupsSatisfy, NoGroupsSatisfyNoRealRequirement) {
    const std::vector<std::string> none;
    EXPECT_FALSE(groups_satisfy(none, "admins"));
    EXPECT_FALSE(groups_satisfy(none, "admins,ops"));
}

TEST(GroupsSatisfy, NamesCompareExactly) {
    const std::vector<std::string> groups{"admins"};
    EXPECT_FALSE(groups_satisfy(groups, "Admins"));
    EXPECT_FALSE(groups_satisfy(groups, "admin"));
    EXPECT_FALSE(groups_satisfy(groups, "admins2"));
    EXPECT_FALSE(groups_satisfy(groups, "adm ins"));
    EXPECT_FALSE(groups_satisfy(groups, "admins;ops"));
    // Only the list's separator splits; spaces inside the param do not.
    EXPECT_FALSE(groups_satisfy(groups, "ops admins"));
}

TEST(GroupsSatisfy, AListOfNothingAdmitsNoOne) {
    // Fails closed: a param that is set but names no group is a
    // misconfiguration, not an open door.
    EXPECT_FALSE(groups_satisfy({"admins"}, ","));
    EXPECT_FALSE(groups_satisfy({"admins"}, " , , "));
    EXPECT_FALSE(groups_satisfy({}, ","));
}

// --- The Validator, with no database ----------------------------------------

class ValidatorTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        char templ[] = "/tmp/authd-validate-test-XXXXXX";
        ASSERT_NE(::mkdtemp(templ), nullptr);
        dir_ = templ;
        auto made = keys::init_keys(dir_ + "/keys", JwsAlg::es256, false);
        ASSERT_TRUE(made) << made.error().detail;
    }
    static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

    void SetUp() override {
        auto c = parse_config("[keys]\ndir = " + dir_ +
                                  "/keys\n"
                                  "[database]\n"
                                  "url = host=/nonexistent-authd-validate-test port=1 dbname=x\n"
                                  "connect_timeout = 1\n"
                                  "[http]\nredirect_hosts = 127.0.0.1, localhost\n",
                              "validate_test.conf");
        ASSERT_TRUE(c) << c.error().detail;
        config_ = std::move(*c);
        auto v = Validator::create(config_);
        ASSERT_TRUE(v) << v.error().detail;
        validator_ = std::move(*v);
    }

    std::string mint(int64_t now) {
        auto keyring = keys::Keyring::load(dir_ + "/keys", JwsAlg::es256, 0);
        EXPECT_TRUE(keyring);
        sessions::TokenSubject s;
        s.user_id = "0b9c3f1e-2d6a-4c8e-9f00-1a2b3c4d5e6f";
        s.session_id = "7d1e4b9a-0c3f-4e2d-8b1a-9f8e7d6c5b4a";
        s.email = "ada@example.com";
        s.first_name = "Ada";
        s.last_name = "Lovelace";
        s.amr = {"pwd"};
        s.auth_time = now;
        auto t = sessions::mint_access_token(*keyring, config_.tokens, s, now);
        EXPECT_TRUE(t);
        return t ? *t : std::string();
    }

    static http::Request get(std::string path = "/auth/validate") {
        http::Request r;
        r.method = http::Method::get;
        r.method_text = "GET";
        r.path = std::move(path);
        r.request_id = "req-1";
        return r;
    }

    static const std::string* header(const http::Response& r, std::string_view name) {
        for (const auto& [n, v] : r.headers) {
            if (n == name) return &v;
        }
        return nullptr;
    }

    static inline std::string dir_;
    Config config_;
    std::unique_ptr<Validator> validator_;
};

TEST_F(ValidatorTest, OtherPathsAndMethods) {
    auto r = validator_->handle(get("/auth/login"));
    EXPECT_EQ(r.status, 404);
    EXPECT_NE(r.body.find("\"NOT_FOUND\""), std::string::npos);
    http::Request post = get();
    post.method = http::Method::post;
    post.body = "{not even json";
    r = validator_->handle(post);
    EXPECT_EQ(r.status, 405);
    ASSERT_NE(header(r, "Allow"), nullptr);
    EXPECT_EQ(*header(r, "Allow"), "GET, HEAD");
    http::Request head = get();
    head.method = http::Method::head;
    EXPECT_EQ(validator_->handle(head).status, 401);
}

TEST_F(ValidatorTest, NoTokenIs401WithoutLoginUnlessABrowser) {
    auto r = validator_->handle(get());
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(*header(r, "X-Auth-Error"), "INVALID_TOKEN");
    EXPECT_EQ(*header(r, "WWW-Authenticate"), "Bearer");
    EXPECT_EQ(header(r, "X-Auth-Login"), nullptr);
    EXPECT_NE(r.body.find("\"requestId\":\"req-1\""), std::string::npos);

    http::Request browser = get();
    browser.params["AUTHD_BROWSER"] = "1";
    browser.params["AUTHD_ORIGINAL_URL"] = "http://127.0.0.1:8080/demo/x?a=1&b=2";
    r = validator_->handle(browser);
    ASSERT_NE(header(r, "X-Auth-Login"), nullptr);
    EXPECT_EQ(*header(r, "X-Auth-Login"),
              "/login?rd=http%3A%2F%2F127.0.0.1%3A8080%2Fdemo%2Fx%3Fa%3D1%26b%3D2");

    browser.params["AUTHD_ORIGINAL_URL"] = "https://evil.example/demo/";
    r = validator_->handle(browser);
    EXPECT_EQ(*header(r, "X-Auth-Login"), "/login");
    browser.params.erase("AUTHD_ORIGINAL_URL");
    r = validator_->handle(browser);
    EXPECT_EQ(*header(r, "X-Auth-Login"), "/login");
}

TEST_F(ValidatorTest, ClientHeadersNeverActAsNginxParams) {
    http::Request r = get();
    r.headers["authd-browser"] = "1";
    r.headers["authd-original-url"] = "http://127.0.0.1:8080/x";
    auto resp = validator_->handle(r);
    EXPECT_EQ(resp.status, 401);
    EXPECT_EQ(header(resp, "X-Auth-Login"), nullptr);
}

TEST_F(ValidatorTest, BadTokensAre401EvenWithoutTheDatabase) {
    http::Request r = get();
    r.headers["authorization"] = "Bearer not.a.token";
    auto resp = validator_->handle(r);
    EXPECT_EQ(resp.status, 401);
    EXPECT_EQ(*header(resp, "X-Auth-Error"), "INVALID_TOKEN");
    EXPECT_EQ(*header(resp, "WWW-Authenticate"), "Bearer error=\"invalid_token\"");

    r.headers["authorization"] = "Basic abc";
    EXPECT_EQ(*header(validator_->handle(r), "X-Auth-Error"), "INVALID_TOKEN");

    r.headers["authorization"] = "Bearer " + mint(time(nullptr) - 3600);
    resp = validator_->handle(r);
    EXPECT_EQ(resp.status, 401);
    EXPECT_EQ(*header(resp, "X-Auth-Error"), "TOKEN_EXPIRED");
}

// A location that forwards the identity to an app (nginx's identity
// snippets set AUTHD_FORWARDS_IDENTITY=1) lets no client X-Auth-* header
// through but the ones nginx overwrites: stock nginx cannot drop headers by
// prefix, so the validator refuses the request instead.
TEST_F(ValidatorTest, UnknownXAuthHeadersAreRefusedWhereTheIdentityIsForwarded) {
    const std::string token = mint(time(nullptr));
    for (const char* name :
         {"x-auth-role", "x-auth-", "x-auth-error", "x-auth-login", "x-auth-user-id-2"}) {
        http::Request r = get();
        r.params["AUTHD_FORWARDS_IDENTITY"] = "1";
        r.headers["authorization"] = "Bearer " + token;
        r.headers[name] = "admin";
        auto resp = validator_->handle(r);
        EXPECT_EQ(resp.status, 403) << name;
        ASSERT_NE(header(resp, "X-Auth-Error"), nullptr) << name;
        EXPECT_EQ(*header(resp, "X-Auth-Error"), "FORBIDDEN_HEADER") << name;
        EXPECT_NE(resp.body.find("\"FORBIDDEN_HEADER\""), std::string::npos) << name;
        EXPECT_EQ(resp.body.find("admin"), std::string::npos) << "never echoed";
        // Without a token too: refused before anything else.
        r.headers.erase("authorization");
        EXPECT_EQ(validator_->handle(r).status, 403) << name;
    }
    // The names nginx overwrites pass on to the next check (here the
    // revoked set, which cannot be read: 503); so does everything where
    // nginx forwards nothing (the public /auth/validate).
    http::Request r = get();
    r.params["AUTHD_FORWARDS_IDENTITY"] = "1";
    r.headers["authorization"] = "Bearer " + token;
    for (const char* name : {"x-auth-user-id", "x-auth-email", "x-auth-name", "x-auth-mfa",
                             "x-auth-session-id", "x-auth-groups", "x-authorization", "x-author"}) {
        r.headers[name] = "forged";
    }
    EXPECT_EQ(validator_->handle(r).status, 503);
    r.params.erase("AUTHD_FORWARDS_IDENTITY");
    r.headers["x-auth-role"] = "admin";
    EXPECT_EQ(validator_->handle(r).status, 503);
}

TEST_F(ValidatorTest, ValidTokenIs503WhileTheRevokedSetCannotBeRead) {
    http::Request r = get();
    r.headers["cookie"] = "other=1; __Secure-authd_access=" + mint(time(nullptr));
    auto resp = validator_->handle(r);
    EXPECT_EQ(resp.status, 503);
    EXPECT_EQ(*header(resp, "X-Auth-Error"), "SERVICE_UNAVAILABLE");
    EXPECT_NE(resp.body.find("\"SERVICE_UNAVAILABLE\""), std::string::npos);
    // The cached token too: a hit still consults the (unreadable) set.
    EXPECT_EQ(validator_->handle(r).status, 503);
}

}  // namespace
}  // namespace authd::validate
