// tests/unit/api/auth_test.cpp
//
// The CSRF guard of cookie mode (api/auth.h check_cookie_origin): a
// state-changing request must come from the portal's origin or a CORS
// origin, by Origin, or, with no Origin or "null", by Sec-Fetch-Site.

#include "api/auth.h"

#include <gtest/gtest.h>

namespace authd::api {
namespace {

Config portal() {
    auto c = parse_config(
        "[tokens]\nissuer = https://auth.example.com\n[http]\ncors_origins = "
        "https://spa.example.com\n",
        "test.conf");
    EXPECT_TRUE(c) << c.error().detail;
    return std::move(*c);
}

http::Request post(std::map<std::string, std::string> headers,
                   http::Method method = http::Method::post) {
    http::Request r;
    r.method = method;
    r.headers = std::move(headers);
    return r;
}

bool refused(const Config& c, const http::Request& r) {
    auto e = check_cookie_origin(c, r);
    if (e) {
        EXPECT_EQ(e->code, "FORBIDDEN_ORIGIN");
    }
    return e.has_value();
}

TEST(CookieOrigin, ThePortalsAndTheCorsOriginsPass) {
    const Config c = portal();
    EXPECT_FALSE(refused(c, post({{"origin", "https://auth.example.com"}})));
    EXPECT_FALSE(refused(c, post({{"origin", "HTTPS://Auth.Example.com:443"}})));
    EXPECT_FALSE(refused(c, post({{"origin", "https://spa.example.com"}})));
    EXPECT_FALSE(refused(c, post({{"sec-fetch-site", "same-origin"}})));
    EXPECT_FALSE(refused(c, post({{"origin", "null"}, {"sec-fetch-site", "same-origin"}})));
}

TEST(CookieOrigin, EverythingElseIsRefused) {
    const Config c = portal();
    EXPECT_TRUE(refused(c, post({})));
    EXPECT_TRUE(refused(c, post({{"origin", "https://evil.example"}})));
    EXPECT_TRUE(refused(c, post({{"origin", "http://auth.example.com"}})));  // another scheme
    EXPECT_TRUE(refused(c, post({{"origin", "https://auth.example.com:8443"}})));
    EXPECT_TRUE(refused(c, post({{"origin", "https://auth.example.com.evil.example"}})));
    EXPECT_TRUE(refused(c, post({{"origin", "null"}})));
    EXPECT_TRUE(refused(c, post({{"origin", "null"}, {"sec-fetch-site", "cross-site"}})));
    EXPECT_TRUE(refused(c, post({{"sec-fetch-site", "same-site"}})));
    // An Origin decides even when Sec-Fetch-Site says same-origin.
    EXPECT_TRUE(
        refused(c, post({{"origin", "https://evil.example"}, {"sec-fetch-site", "same-origin"}})));
    EXPECT_TRUE(refused(c, post({{"origin", "https://evil.example"}}, http::Method::del)));
}

TEST(CookieOrigin, ReadsAreNotChecked) {
    const Config c = portal();
    for (auto m : {http::Method::get, http::Method::head, http::Method::options}) {
        EXPECT_FALSE(refused(c, post({{"origin", "https://evil.example"}}, m)));
    }
}

}  // namespace
}  // namespace authd::api
