// tests/unit/core/origin_test.cpp
//
// core/origin: the origin of a URL (what decides whether the validator's
// login URL is relative, and what the CSRF guard compares) and the hosts a
// browser keeps Secure cookies from over plain HTTP; core/html_escape.

#include "core/origin.h"

#include <gtest/gtest.h>

#include "core/html_escape.h"

namespace authd {
namespace {

TEST(OriginOf, SchemeHostAndPortLowerCasedWithoutTheDefaultPort) {
    EXPECT_EQ(origin_of("https://Auth.Example.COM/login?x=1"), "https://auth.example.com");
    EXPECT_EQ(origin_of("HTTPS://auth.example.com:443/"), "https://auth.example.com");
    EXPECT_EQ(origin_of("http://127.0.0.1:80"), "http://127.0.0.1");
    EXPECT_EQ(origin_of("http://127.0.0.1:8080#f"), "http://127.0.0.1:8080");
    EXPECT_EQ(origin_of("https://auth.example.com:8443?q"), "https://auth.example.com:8443");
    EXPECT_EQ(origin_of("http://[::1]:8080/x"), "http://[::1]:8080");
    // The default port of the other scheme is not dropped.
    EXPECT_EQ(origin_of("http://auth.example.com:443/"), "http://auth.example.com:443");
}

TEST(OriginOf, NothingForWhatIsNotAnAbsoluteHttpUrl) {
    for (const char* url :
         {"", "/login", "//auth.example.com/", "ftp://auth.example.com/", "javascript:alert(1)",
          "http://", "http:///x", "http://user@auth.example.com/", "null", "http://:8080/"}) {
        EXPECT_EQ(origin_of(url), std::nullopt) << url;
    }
}

TEST(IsLoopbackHost, WhatBrowsersTreatAsTrustworthyOverHttp) {
    for (const char* host : {"localhost", "LOCALHOST:8080", "app.localhost", "127.0.0.1",
                             "127.0.0.1:18080", "127.3.2.1", "[::1]", "[::1]:8080"}) {
        EXPECT_TRUE(is_loopback_host(host)) << host;
    }
    for (const char* host : {"", "auth.example.com", "localhost.example.com", "127.0.0.1.nip.io",
                             "128.0.0.1", "10.0.0.1:8080", "[::2]", "127.0.1", "localhostx"}) {
        EXPECT_FALSE(is_loopback_host(host)) << host;
    }
}

TEST(HtmlEscape, TheFiveSpecialCharacters) {
    EXPECT_EQ(html_escape("<a href=\"x\">O'Brien & co</a>"),
              "&lt;a href=&quot;x&quot;&gt;O&#39;Brien &amp; co&lt;/a&gt;");
    EXPECT_EQ(html_escape("caf\xc3\xa9"), "caf\xc3\xa9");
    EXPECT_EQ(html_escape(""), "");
}

}  // namespace
}  // namespace authd
