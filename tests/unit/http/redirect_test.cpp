// tests/unit/http/redirect_test.cpp
//
// The one redirect allow-list (http/redirect.h): only absolute http(s) URLs
// whose host is listed pass; every trick a browser might read differently
// is refused.  Also the percent-encoding of rd and the query reader.

#include "http/redirect.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace authd::http {
namespace {

const std::vector<std::string> kHosts = {"127.0.0.1", "localhost", "app.example.com", "[::1]"};

TEST(RedirectAllowed, ListedHostsWithAnyPathQueryOrPort) {
    for (const char* url :
         {"http://127.0.0.1/", "https://localhost", "http://LOCALHOST:3000/x?y=1#z",
          "https://app.example.com/reports/q3?x=1", "HTTPS://App.Example.COM", "http://[::1]:8080/",
          "http://app.example.com:65535/", "https://app.example.com?x",
          "https://app.example.com#f"}) {
        EXPECT_TRUE(redirect_allowed(url, kHosts)) << url;
    }
}

TEST(RedirectAllowed, EverythingElseIsRefused) {
    for (const char* url : {
             "",
             "/",
             "/relative/path",
             "//app.example.com/",
             "///app.example.com/",
             "https://evil.example/",
             "https://app.example.com.evil.example/",
             "https://evil.example/?https://app.example.com/",
             "https://evil.example#https://app.example.com/",
             "https://app.example.com@evil.example/",
             "https://user:pw@app.example.com/",
             "https://app.example.com\\@evil.example/",
             "https:/\\evil.example",
             "https://%61pp.example.com/",
             "https://app.example.com%2f@evil.example/",
             "https://app.example.com./",
             " https://app.example.com/",
             "https://app.example.com/\t",
             "https://app.example.com/\x7f",
             "https://app.example.com/caf\xc3\xa9",
             "javascript:alert(1)",
             "data:text/html,hi",
             "ftp://app.example.com/",
             "https://app.example.com:99999/",
             "https://app.example.com:/",
             "https://app.example.com:80a/",
             "http://[::1/",
             "http://[::1]x/",
             "http://[::2]/",
         }) {
        EXPECT_FALSE(redirect_allowed(url, kHosts)) << url;
    }
}

TEST(RedirectAllowed, AnEmptyListAllowsNothing) {
    EXPECT_FALSE(redirect_allowed("http://127.0.0.1/", {}));
}

TEST(PercentEncode, EverythingButUnreserved) {
    EXPECT_EQ(percent_encode("https://a.example/p?x=1&y=a b#f~_.-"),
              "https%3A%2F%2Fa.example%2Fp%3Fx%3D1%26y%3Da%20b%23f~_.-");
    EXPECT_EQ(percent_encode("\xc3\xa9%"), "%C3%A9%25");
}

TEST(QueryParam, DecodedValueOrEmpty) {
    EXPECT_EQ(query_param("a=1&rd=https%3A%2F%2Fx.example%2F%3Fq%3D1&b=2", "rd"),
              "https://x.example/?q=1");
    EXPECT_EQ(query_param("rd=a+b%20c", "rd"), "a b c");
    EXPECT_EQ(query_param("xrd=1&rd", "rd"), "");
    EXPECT_EQ(query_param("rd=%zz", "rd"), "");  // a bad escape is no value
    EXPECT_EQ(query_param("", "rd"), "");
    EXPECT_EQ(query_param("rd=1&rd=2", "rd"), "1");  // the first one
}

}  // namespace
}  // namespace authd::http
