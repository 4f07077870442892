// tests/unit/server/fcgi_params_test.cpp
//
// FastCGI params to http::Request: nginx's facts, client headers, the rest.
#include "server/fcgi_params.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <limits>
#include <string_view>

namespace authd::server {
namespace {

http::Request build(std::initializer_list<std::string_view> params, std::size_t* length = nullptr) {
    http::Request r;
    std::size_t content_length = 0;
    for (std::string_view p : params) add_fcgi_param(r, p, content_length);
    if (length) *length = content_length;
    return r;
}

TEST(FcgiParams, NginxFactsHeadersAndTheRest) {
    std::size_t length = 0;
    http::Request r = build(
        {"REQUEST_METHOD=POST", "DOCUMENT_URI=/auth/login", "QUERY_STRING=a=b", "REQUEST_ID=abc",
         "REMOTE_ADDR=192.0.2.1", "CONTENT_TYPE=application/json", "CONTENT_LENGTH=42",
         "HTTP_X_FORWARDED_FOR=10.0.0.1", "HTTP_COOKIE=a=b=c", "AUTHD_REQUIRE_MFA=1"},
        &length);
    EXPECT_EQ(r.method, http::Method::post);
    EXPECT_EQ(r.method_text, "POST");
    EXPECT_EQ(r.path, "/auth/login");
    EXPECT_EQ(r.query, "a=b");
    EXPECT_EQ(r.request_id, "abc");
    EXPECT_EQ(r.remote_addr, "192.0.2.1");
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(length, 42u);
    ASSERT_NE(r.header("x-forwarded-for"), nullptr);
    EXPECT_EQ(*r.header("x-forwarded-for"), "10.0.0.1");
    EXPECT_EQ(*r.header("cookie"), "a=b=c");  // only the first '=' splits
    ASSERT_NE(r.param("AUTHD_REQUIRE_MFA"), nullptr);
    EXPECT_EQ(*r.param("AUTHD_REQUIRE_MFA"), "1");
}

TEST(FcgiParams, AClientHeaderNeverBecomesAFact) {
    http::Request r = build({"HTTP_REMOTE_ADDR=6.6.6.6", "HTTP_DOCUMENT_URI=/admin",
                             "HTTP_REQUEST_METHOD=DELETE", "REMOTE_ADDR=192.0.2.1"});
    EXPECT_EQ(r.remote_addr, "192.0.2.1");
    EXPECT_EQ(r.path, "");
    EXPECT_EQ(r.method_text, "");
    EXPECT_EQ(*r.header("remote-addr"), "6.6.6.6");
}

TEST(FcgiParams, ContentLengthDigitsOnlyAndSaturating) {
    std::size_t length = 7;
    build({"CONTENT_LENGTH=12abc"}, &length);
    EXPECT_EQ(length, 0u);
    build({"CONTENT_LENGTH=-1"}, &length);
    EXPECT_EQ(length, 0u);
    build({"CONTENT_LENGTH="}, &length);
    EXPECT_EQ(length, 0u);
    build({"CONTENT_LENGTH=99999999999999999999999999"}, &length);
    EXPECT_EQ(length, std::numeric_limits<std::size_t>::max());
    build({"CONTENT_LENGTH=65537"}, &length);
    EXPECT_EQ(length, 65537u);
}

TEST(FcgiParams, WithoutEqualsIgnoredAndLaterWins) {
    http::Request r = build({"HTTP_X_A", "HTTP_X_B=1", "HTTP_X_B=2", "=", "X"});
    EXPECT_EQ(r.header("x-a"), nullptr);
    EXPECT_EQ(*r.header("x-b"), "2");
    EXPECT_EQ(r.headers.size(), 1u);
}

}  // namespace
}  // namespace authd::server
