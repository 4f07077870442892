#include "http/router.h"

#include <gtest/gtest.h>

#include "api/app.h"

using authd::http::Method;
using authd::http::Route;

namespace {

int h1 = 1, h2 = 2, h3 = 3;
const Route<int*> kRoutes[] = {
    {Method::get, "/health", &h1},
    {Method::get, "/auth/sessions", &h2},
    {Method::del, "/auth/sessions/{id}", &h3},
};

auto find(Method m, std::string_view path) {
    return authd::http::find_route(std::span<const Route<int*>>(kRoutes), m, path);
}

}  // namespace

TEST(Router, MatchesLiteralPaths) {
    auto m = find(Method::get, "/health");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->handler, &h1);
    EXPECT_TRUE(m.allow.empty());
}

TEST(Router, HeadUsesGet) {
    auto m = find(Method::head, "/health");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->handler, &h1);
}

TEST(Router, UnknownPathHasNoAllow) {
    auto m = find(Method::get, "/healthz");
    EXPECT_EQ(m.route, nullptr);
    EXPECT_TRUE(m.allow.empty());
    EXPECT_EQ(find(Method::get, "/health/").route, nullptr);
    EXPECT_EQ(find(Method::get, "/").route, nullptr);
}

TEST(Router, WrongMethodListsAllowed) {
    auto m = find(Method::post, "/health");
    EXPECT_EQ(m.route, nullptr);
    EXPECT_EQ(m.allow, "GET, HEAD");
    auto d = find(Method::get, "/auth/sessions/abc");
    EXPECT_EQ(d.route, nullptr);
    EXPECT_EQ(d.allow, "DELETE");
}

TEST(Router, PlaceholderTakesOneSegment) {
    auto m = find(Method::del, "/auth/sessions/1234");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.param, "1234");
    EXPECT_EQ(find(Method::del, "/auth/sessions/").route, nullptr);
    EXPECT_EQ(find(Method::del, "/auth/sessions/a/b").route, nullptr);
}

TEST(MediaType, AcceptsJsonVariants) {
    using authd::api::is_json_media_type;
    EXPECT_TRUE(is_json_media_type("application/json"));
    EXPECT_TRUE(is_json_media_type("Application/JSON; charset=utf-8"));
    EXPECT_TRUE(is_json_media_type("application/merge-patch+json"));
    EXPECT_TRUE(is_json_media_type(" application/json ;charset=UTF-8"));
    EXPECT_FALSE(is_json_media_type(""));
    EXPECT_FALSE(is_json_media_type("text/plain"));
    EXPECT_FALSE(is_json_media_type("application/jsonx"));
    EXPECT_FALSE(is_json_media_type("application/x-www-form-urlencoded"));
    EXPECT_FALSE(is_json_media_type("+json"));
    EXPECT_FALSE(is_json_media_type("application/+json"));
}
