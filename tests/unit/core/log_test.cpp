#include "core/log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "json/document.h"

namespace {

// Captures what one statement writes to fd 2.
template <typename F>
std::string capture_stderr(F f) {
    int pipefd[2];
    EXPECT_EQ(pipe(pipefd), 0);
    int saved = dup(2);
    dup2(pipefd[1], 2);
    f();
    dup2(saved, 2);
    close(saved);
    close(pipefd[1]);
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = read(pipefd[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    close(pipefd[0]);
    return out;
}

}  // namespace

TEST(Log, OneJsonObjectPerLine) {
    std::string out = capture_stderr([] {
        authd::log::info("request").str("path", "/a\"b\n").num("status", 200).boolean("x", true);
    });
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.back(), '\n');
    EXPECT_EQ(out.find('\n'), out.size() - 1) << "exactly one line";
    auto doc = authd::json::parse_object(std::string_view(out).substr(0, out.size() - 1));
    ASSERT_TRUE(doc) << doc.error().detail;
    EXPECT_EQ(*doc->root().find_string("event").value(), "request");
    EXPECT_EQ(*doc->root().find_string("path").value(), "/a\"b\n");
    EXPECT_EQ(*doc->root().find_int("status").value(), 200);
    EXPECT_EQ(*doc->root().find_string("level").value(), "info");
    EXPECT_TRUE(doc->root().has("time"));
    EXPECT_TRUE(doc->root().has("pid"));
}

TEST(Log, RequestIdIsAttached) {
    authd::log::set_request_id("abc123");
    std::string out = capture_stderr([] { authd::log::warn("x"); });
    authd::log::set_request_id({});
    EXPECT_NE(out.find("\"request_id\":\"abc123\""), std::string::npos) << out;
}

TEST(Log, BelowMinimumLevelIsDropped) {
    authd::log::set_min_level(authd::log::Level::warn);
    std::string out = capture_stderr([] { authd::log::info("quiet"); });
    authd::log::set_min_level(authd::log::Level::info);
    EXPECT_TRUE(out.empty()) << out;
}
