#include "core/ip_address.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstring>

using authd::format_ip_address;
using authd::IpAddress;
using authd::IpRange;
using authd::parse_ip_address;
using authd::parse_ip_range;
using authd::parse_ip_ranges;
using authd::range_contains;
using authd::ranges_contain;

namespace {

IpAddress ip(const char* text) {
    auto a = parse_ip_address(text);
    EXPECT_TRUE(a) << text;
    return a.value_or(IpAddress{});
}

bool listed(const char* list, const char* address) {
    auto ranges = parse_ip_ranges(list);
    EXPECT_TRUE(ranges) << list << ": " << ranges.error().detail;
    return ranges && ranges_contain(*ranges, ip(address));
}

}  // namespace

TEST(IpAddress, ParsesIpv4AndIpv6Literals) {
    EXPECT_FALSE(ip("10.0.0.5").v6);
    EXPECT_EQ(format_ip_address(ip("10.0.0.5")), "10.0.0.5");
    EXPECT_TRUE(ip("::1").v6);
    EXPECT_EQ(format_ip_address(ip("2001:DB8:0:0::1")), "2001:db8::1");
    EXPECT_EQ(format_ip_address(ip("0.0.0.0")), "0.0.0.0");
}

TEST(IpAddress, RefusesEverythingElse) {
    for (const char* bad :
         {"",
          " 10.0.0.5",
          "10.0.0.5 ",
          "10.0.0",
          "10.0.0.5.6",
          "10.1",
          "256.0.0.1",
          "010.0.0.1",
          "0x0a.0.0.1",
          "10.0.0.-1",
          "localhost",
          "example.com",
          "[::1]",
          "::1%lo",
          "fe80::1%eth0",
          "1:2:3:4:5:6:7:8:9",
          "::g",
          "10.0.0.5:80",
          "10.0.0.5/24",
          "1234567890123456789012345678901234567890123456789012345678901234567890"}) {
        EXPECT_FALSE(parse_ip_address(bad)) << bad;
    }
}

TEST(IpAddress, V4MappedPeerIsItsIpv4Address) {
    IpAddress mapped = ip("::ffff:10.0.0.3");
    EXPECT_TRUE(mapped.v6);
    EXPECT_EQ(authd::unmapped(mapped), ip("10.0.0.3"));
    EXPECT_EQ(authd::unmapped(ip("::1")), ip("::1"));
    EXPECT_TRUE(listed("10.0.0.0/24", "::ffff:10.0.0.3"));
    EXPECT_FALSE(listed("::/0", "::ffff:10.0.0.3")) << "a mapped peer is IPv4, not IPv6";
    // The configuration writes the IPv4 form only.
    auto r = parse_ip_range("::ffff:10.0.0.3");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().detail.find("10.0.0.3"), std::string::npos) << r.error().detail;
    EXPECT_FALSE(parse_ip_range("::ffff:10.0.0.0/120"));
}

TEST(IpAddress, PeerFromSockaddr) {
    sockaddr_storage ss{};
    auto* in = reinterpret_cast<sockaddr_in*>(&ss);
    in->sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.2", &in->sin_addr);
    EXPECT_EQ(authd::ip_address_of(ss), ip("127.0.0.2"));

    ss = {};
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
    in6->sin6_family = AF_INET6;
    inet_pton(AF_INET6, "::ffff:192.0.2.7", &in6->sin6_addr);
    EXPECT_EQ(authd::ip_address_of(ss), ip("192.0.2.7")) << "mapped peers come out as IPv4";
    inet_pton(AF_INET6, "fd00::7", &in6->sin6_addr);
    EXPECT_EQ(authd::ip_address_of(ss), ip("fd00::7"));

    ss = {};
    ss.ss_family = AF_UNIX;
    EXPECT_FALSE(authd::ip_address_of(ss));
}

TEST(IpRange, BareAddressIsARangeOfOne) {
    auto r = parse_ip_range("10.0.0.5");
    ASSERT_TRUE(r) << r.error().detail;
    EXPECT_EQ(r->prefix, 32);
    EXPECT_TRUE(range_contains(*r, ip("10.0.0.5")));
    EXPECT_FALSE(range_contains(*r, ip("10.0.0.50")));
    EXPECT_FALSE(range_contains(*r, ip("10.0.0.4")));
    auto r6 = parse_ip_range("fd00::5");
    ASSERT_TRUE(r6);
    EXPECT_EQ(r6->prefix, 128);
    EXPECT_TRUE(range_contains(*r6, ip("fd00::5")));
    EXPECT_FALSE(range_contains(*r6, ip("fd00::6")));
}

TEST(IpRange, CidrEdges) {
    EXPECT_TRUE(listed("10.0.0.0/24", "10.0.0.0"));
    EXPECT_TRUE(listed("10.0.0.0/24", "10.0.0.255"));
    EXPECT_FALSE(listed("10.0.0.0/24", "10.0.1.0"));
    EXPECT_FALSE(listed("10.0.0.0/24", "9.255.255.255"));
    // A prefix that is not a whole number of bytes.
    EXPECT_TRUE(listed("10.0.0.0/25", "10.0.0.127"));
    EXPECT_FALSE(listed("10.0.0.0/25", "10.0.0.128"));
    EXPECT_TRUE(listed("172.16.0.0/12", "172.31.255.255"));
    EXPECT_FALSE(listed("172.16.0.0/12", "172.32.0.0"));
    EXPECT_TRUE(listed("10.0.0.7/32", "10.0.0.7"));
    EXPECT_FALSE(listed("10.0.0.7/32", "10.0.0.6"));
    // /0 is everyone of that family, and only if written.
    EXPECT_TRUE(listed("0.0.0.0/0", "203.0.113.9"));
    EXPECT_FALSE(listed("0.0.0.0/0", "::1"));
    EXPECT_TRUE(listed("::/0", "2001:db8::1"));
    EXPECT_FALSE(listed("::/0", "127.0.0.1"));
    EXPECT_TRUE(listed("fd00::/8", "fdff:ffff::1"));
    EXPECT_FALSE(listed("fd00::/8", "fe00::1"));
    EXPECT_TRUE(listed("2001:db8::/127", "2001:db8::1"));
    EXPECT_FALSE(listed("2001:db8::/127", "2001:db8::2"));
    EXPECT_TRUE(listed("2001:db8::1/128", "2001:db8::1"));
    // Families never cross.
    EXPECT_FALSE(listed("127.0.0.1", "::1"));
    EXPECT_FALSE(listed("::1", "127.0.0.1"));
}

TEST(IpRange, RefusesBadRanges) {
    for (const char* bad :
         {"10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/+8", "10.0.0.0/8x", "10.0.0.0/24/8",
          "/24", "::/129", "10.0.0.1/24", "10.0.0.128/24", "fd00::1/64", "10.0.0.0 /24",
          "10.0.0.0/ 24", "host.example/32", "*", "any"}) {
        EXPECT_FALSE(parse_ip_range(bad)) << bad;
    }
    auto r = parse_ip_range("10.0.0.1/24");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().detail.find("past its /24"), std::string::npos) << r.error().detail;
}

TEST(IpRange, Lists) {
    EXPECT_TRUE(listed("10.0.0.5, 192.168.1.0/24 ,fd00::/64", "192.168.1.77"));
    EXPECT_TRUE(listed("10.0.0.5, 192.168.1.0/24 ,fd00::/64", "fd00::abcd"));
    EXPECT_TRUE(listed("10.0.0.5,,", "10.0.0.5"));
    EXPECT_FALSE(listed("10.0.0.5, 192.168.1.0/24", "10.0.0.6"));
    auto empty = parse_ip_ranges(" , ");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
    EXPECT_FALSE(ranges_contain(*empty, ip("127.0.0.1"))) << "an empty list admits no one";
    auto bad = parse_ip_ranges("10.0.0.5, nginx.internal");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().detail.find("nginx.internal"), std::string::npos) << bad.error().detail;
}
