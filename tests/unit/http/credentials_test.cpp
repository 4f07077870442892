// tests/unit/http/credentials_test.cpp
//
// http/credentials: where the access token is read from (a Bearer header,
// else the access cookie), the difference between no credentials and
// malformed ones, and the 401 both pools answer with.

#include "http/credentials.h"

#include <gtest/gtest.h>

namespace authd::http {
namespace {

Request with_headers(std::map<std::string, std::string> headers) {
    Request r;
    r.headers = std::move(headers);
    return r;
}

TEST(FindAccessToken, NothingIsNoCredentials) {
    EXPECT_FALSE(find_access_token(Request{}));
    EXPECT_FALSE(
        find_access_token(with_headers({{"cookie", "other=1; __Secure-authd_accessx=2"}})));
}

TEST(FindAccessToken, BearerInAnyCaseTrimmed) {
    auto t = find_access_token(with_headers({{"authorization", "bEaReR   abc.def.ghi  "}}));
    ASSERT_TRUE(t);
    EXPECT_EQ(t->token, "abc.def.ghi");
    EXPECT_FALSE(t->from_cookie);
}

TEST(FindAccessToken, TheCookieWhenThereIsNoAuthorization) {
    auto t = find_access_token(with_headers({{"cookie", "a=1; __Secure-authd_access=tok; b=2"}}));
    ASSERT_TRUE(t);
    EXPECT_EQ(t->token, "tok");
    EXPECT_TRUE(t->from_cookie);
}

TEST(FindAccessToken, AnAuthorizationHeaderWinsOverTheCookie) {
    auto t = find_access_token(
        with_headers({{"authorization", "Bearer hdr"}, {"cookie", "__Secure-authd_access=ck"}}));
    ASSERT_TRUE(t);
    EXPECT_EQ(t->token, "hdr");
    EXPECT_FALSE(t->from_cookie);
}

TEST(FindAccessToken, AnotherSchemeLeavesTheCookieInCharge) {
    // Basic (an app's own login in front of authd), Negotiate, ...: not a
    // token of ours, so the browser's access cookie is the credential.
    for (const char* auth :
         {"Basic dXNlcjpwYXNz", "Negotiate abc", "Digest x=1", "BearerX tok", "Bearer-ish tok"}) {
        auto t = find_access_token(
            with_headers({{"authorization", auth}, {"cookie", "__Secure-authd_access=ck"}}));
        ASSERT_TRUE(t) << auth;
        EXPECT_EQ(t->token, "ck") << auth;
        EXPECT_TRUE(t->from_cookie) << auth;
    }
    // Without a cookie it is still a malformed credential, not none.
    auto basic = find_access_token(with_headers({{"authorization", "Basic dXNlcjpwYXNz"}}));
    ASSERT_TRUE(basic);
    EXPECT_EQ(basic->token, "");
    EXPECT_FALSE(basic->from_cookie);
}

TEST(FindAccessToken, MalformedIsAnEmptyTokenNotNoCredentials) {
    for (const char* auth : {"Bearer", "Bearer    ", "bearer", "", "   "}) {
        auto t = find_access_token(
            with_headers({{"authorization", auth}, {"cookie", "__Secure-authd_access=ck"}}));
        ASSERT_TRUE(t) << auth;
        EXPECT_EQ(t->token, "") << auth;
        EXPECT_FALSE(t->from_cookie) << auth;
    }
    auto empty_cookie = find_access_token(with_headers({{"cookie", "__Secure-authd_access="}}));
    ASSERT_TRUE(empty_cookie);
    EXPECT_EQ(empty_cookie->token, "");
    EXPECT_TRUE(empty_cookie->from_cookie);
}

TEST(UnauthorizedError, ChallengeSaysWhetherCredentialsCame) {
    ApiError none = unauthorized_error("INVALID_TOKEN", "no_credentials", false);
    EXPECT_EQ(none.status, 401);
    EXPECT_EQ(none.code, "INVALID_TOKEN");
    EXPECT_EQ(none.www_authenticate, "Bearer");
    EXPECT_EQ(none.log_reason, "no_credentials");
    ApiError expired = unauthorized_error("TOKEN_EXPIRED", "expired", true);
    EXPECT_EQ(expired.www_authenticate, "Bearer error=\"invalid_token\"");
    EXPECT_EQ(expired.message, "the access token has expired");
}

}  // namespace
}  // namespace authd::http
