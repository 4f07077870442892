#include "core/listen_address.h"

#include <gtest/gtest.h>

#include <string>

using authd::format_ip_address;
using authd::parse_listen_address;

TEST(ListenAddress, SlashMeansUnixSocket) {
    auto a = parse_listen_address("/run/authd/api.sock");
    ASSERT_TRUE(a) << a.error().detail;
    EXPECT_FALSE(a->tcp());
    EXPECT_EQ(a->path, "/run/authd/api.sock");
    // Even when the path looks like an address.
    auto b = parse_listen_address("/10.0.0.5:9001");
    ASSERT_TRUE(b);
    EXPECT_FALSE(b->tcp());
    EXPECT_FALSE(authd::ListenAddress{}.tcp()) << "no socket is not a TCP socket";
    EXPECT_FALSE(parse_listen_address("/" + std::string(107, 'a'))) << "longer than sun_path";
    EXPECT_TRUE(parse_listen_address("/" + std::string(106, 'a')));
}

TEST(ListenAddress, Ipv4AndPort) {
    auto a = parse_listen_address("10.0.0.5:9001");
    ASSERT_TRUE(a) << a.error().detail;
    EXPECT_TRUE(a->tcp());
    EXPECT_FALSE(a->host.v6);
    EXPECT_EQ(format_ip_address(a->host), "10.0.0.5");
    EXPECT_EQ(a->port, 9001);
    auto any = parse_listen_address("0.0.0.0:1");
    ASSERT_TRUE(any);
    EXPECT_EQ(any->port, 1);
    EXPECT_EQ(parse_listen_address("127.0.0.1:65535")->port, 65535);
}

TEST(ListenAddress, BracketedIpv6AndPort) {
    auto a = parse_listen_address("[::1]:9001");
    ASSERT_TRUE(a) << a.error().detail;
    EXPECT_TRUE(a->tcp());
    EXPECT_TRUE(a->host.v6);
    EXPECT_EQ(format_ip_address(a->host), "::1");
    EXPECT_EQ(a->port, 9001);
    auto any = parse_listen_address("[::]:9001");
    ASSERT_TRUE(any);
    EXPECT_EQ(format_ip_address(any->host), "::");
}

TEST(ListenAddress, RefusesNamesWildcardsAndGarbage) {
    for (const char* bad : {"",
                            "api.sock",
                            "run/api.sock",
                            "./api.sock",
                            "localhost:9001",
                            "authd.internal:9001",
                            "9001",
                            ":9001",
                            "*:9001",
                            "10.0.0.5",
                            "10.0.0.5:",
                            "10.0.0.5:0",
                            "10.0.0.5:65536",
                            "10.0.0.5:-1",
                            "10.0.0.5:+80",
                            "10.0.0.5:80x",
                            "10.0.0.5:http",
                            "::1:9001",
                            "[::1]",
                            "[::1]:",
                            "[::1]9001",
                            "[10.0.0.5]:9001",
                            "[::ffff:10.0.0.5]:9001",
                            "[fe80::1%eth0]:9001",
                            "unix:/run/authd/api.sock",
                            "tcp://10.0.0.5:9001",
                            " 10.0.0.5:9001"}) {
        EXPECT_FALSE(parse_listen_address(bad)) << bad;
    }
    auto r = parse_listen_address("localhost:9001");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().detail.find("host names"), std::string::npos) << r.error().detail;
    auto v6 = parse_listen_address("::1:9001");
    ASSERT_FALSE(v6);
    EXPECT_NE(v6.error().detail.find("brackets"), std::string::npos) << v6.error().detail;
}
