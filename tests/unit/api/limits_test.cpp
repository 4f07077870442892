// tests/unit/api/limits_test.cpp
//
// Who the client is for per-IP limits (api/limits.h): nginx's REMOTE_ADDR,
// never a client header, unless REMOTE_ADDR is a trusted proxy; then the
// X-Forwarded-For walk from the right to the first untrusted hop.

#include "api/limits.h"

#include <gtest/gtest.h>

namespace authd::api {
namespace {

http::Request from(std::string remote, std::string forwarded = {}) {
    http::Request r;
    r.remote_addr = std::move(remote);
    if (!forwarded.empty()) r.headers["x-forwarded-for"] = std::move(forwarded);
    return r;
}

TEST(ClientAddress, RemoteAddrWhenNoProxyIsTrusted) {
    EXPECT_EQ(client_address(from("192.0.2.7", "198.51.100.1"), ""), "192.0.2.7");
    EXPECT_EQ(client_address(from("192.0.2.7"), "192.0.2.7"), "192.0.2.7");
}

TEST(ClientAddress, ForwardedIsIgnoredFromAnUntrustedPeer) {
    EXPECT_EQ(client_address(from("192.0.2.7", "198.51.100.1"), "10.0.0.1, 10.0.0.2"), "192.0.2.7");
}

TEST(ClientAddress, WalksFromTheRightToTheFirstUntrustedHop) {
    const std::string proxies = "10.0.0.1, 10.0.0.2";
    // The client forged the leftmost entry; the proxies appended the rest.
    EXPECT_EQ(client_address(from("10.0.0.1", "6.6.6.6, 198.51.100.9, 10.0.0.2"), proxies),
              "198.51.100.9");
    EXPECT_EQ(client_address(from("10.0.0.1", " 198.51.100.9 "), proxies), "198.51.100.9");
    EXPECT_EQ(client_address(from("10.0.0.1", "198.51.100.9,,"), proxies), "198.51.100.9");
    // Every hop trusted: the leftmost is the best there is.
    EXPECT_EQ(client_address(from("10.0.0.1", "10.0.0.2"), proxies), "10.0.0.2");
}

TEST(ClientAddress, Ipv6CountsPerSlash64) {
    EXPECT_EQ(client_address(from("2001:db8:1:2:aaaa::1"), ""), "2001:db8:1:2::/64");
    EXPECT_EQ(client_address(from("10.0.0.1", "2001:db8:1:2::5"), "10.0.0.1"), "2001:db8:1:2::/64");
}

}  // namespace
}  // namespace authd::api
