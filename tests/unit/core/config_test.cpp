#include "core/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

using authd::parse_config;

TEST(Config, DefaultsAreValid) {
    auto c = parse_config("", "test.conf");
    ASSERT_TRUE(c) << c.error().detail;
    EXPECT_EQ(c->server.api_workers, 4);
    EXPECT_EQ(c->server.socket_mode, 0660);
    EXPECT_TRUE(c->database.prepared_statements);
}

TEST(Config, ReadsSectionsAndKeys) {
    auto c = parse_config(
        "# comment\n[server]\napi_workers = 7\nsocket_mode = 0600\n\n[database]\n"
        "prepared_statements = false\nurl = host=/tmp dbname=x\n",
        "test.conf");
    ASSERT_TRUE(c) << c.error().detail;
    EXPECT_EQ(c->server.api_workers, 7);
    EXPECT_EQ(c->server.socket_mode, 0600);
    EXPECT_FALSE(c->database.prepared_statements);
    EXPECT_EQ(c->database.url, "host=/tmp dbname=x");
}

TEST(Config, BadValueNamesFileLineAndKey) {
    auto c = parse_config("[server]\n\napi_workers = many\n", "authd.conf");
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().detail.find("authd.conf:3"), std::string::npos) << c.error().detail;
    EXPECT_NE(c.error().detail.find("api_workers"), std::string::npos);
}

TEST(Config, RejectsUnknownKeysSectionsAndDuplicates) {
    EXPECT_FALSE(parse_config("[server]\nnope = 1\n", "t"));
    EXPECT_FALSE(parse_config("[nosuch]\nurl = 1\n", "t"));
    EXPECT_FALSE(parse_config("[server]\napi_workers = 1\napi_workers = 2\n", "t"));
    EXPECT_FALSE(parse_config("api_workers = 1\n", "t"));
    EXPECT_FALSE(parse_config("[two words]\n", "t"));
    EXPECT_FALSE(parse_config("[server]\njust a line\n", "t"));
    EXPECT_FALSE(parse_config("[server]\napi_workers = 0\n", "t"));
    EXPECT_FALSE(parse_config("[server]\napi_workers = 3x\n", "t"));
    EXPECT_FALSE(parse_config("[server]\nsocket_mode = 0999\n", "t"));
}

TEST(Config, EnvironmentOverridesFile) {
    setenv("AUTHD_SERVER_API_WORKERS", "9", 1);
    auto c = parse_config("[server]\napi_workers = 3\n", "t");
    unsetenv("AUTHD_SERVER_API_WORKERS");
    ASSERT_TRUE(c) << c.error().detail;
    EXPECT_EQ(c->server.api_workers, 9);
}

TEST(Config, BadEnvironmentValueIsNamed) {
    setenv("AUTHD_CACHE_TIMEOUT_MS", "-1", 1);
    auto c = parse_config("", "t");
    unsetenv("AUTHD_CACHE_TIMEOUT_MS");
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().detail.find("AUTHD_CACHE_TIMEOUT_MS"), std::string::npos);
}

TEST(Config, SecretFromFileIsReadAndMasked) {
    char path[] = "/tmp/authd-secret-XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, "hunter2\n", 8), 8);
    close(fd);
    auto c = parse_config(std::string("[database]\npassword_file = ") + path + "\n", "t");
    unlink(path);
    ASSERT_TRUE(c) << c.error().detail;
    EXPECT_EQ(c->database.password.reveal(), "hunter2");
    std::string shown = authd::describe_config(*c);
    EXPECT_EQ(shown.find("hunter2"), std::string::npos);
    EXPECT_NE(shown.find("password = ********"), std::string::npos) << shown;
}

TEST(Config, FileVariantOnlyForSecrets) {
    EXPECT_FALSE(parse_config("[server]\napi_workers_file = /etc/passwd\n", "t"));
}

TEST(Config, SecretFromEnvironmentFile) {
    char path[] = "/tmp/authd-secret-XXXXXX";
    int fd = mkstemp(path);
    ASSERT_EQ(write(fd, "s3cret", 6), 6);
    close(fd);
    setenv("AUTHD_DATABASE_PASSWORD_FILE", path, 1);
    auto c = parse_config("[database]\npassword = fromfile\n", "t");
    unsetenv("AUTHD_DATABASE_PASSWORD_FILE");
    unlink(path);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->database.password.reveal(), "s3cret");
}

TEST(Config, MissingFileIsAnError) {
    auto c = authd::load_config("/nonexistent/authd.conf");
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().detail.find("/nonexistent/authd.conf"), std::string::npos);
}

TEST(Config, TcpSocketNeedsFastcgiPeers) {
    auto c = parse_config("[server]\napi_socket = 10.0.0.5:9001\n", "authd.conf");
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().detail.find("fastcgi_peers"), std::string::npos) << c.error().detail;
    EXPECT_NE(c.error().detail.find("authd.conf:2"), std::string::npos) << c.error().detail;

    auto v = parse_config("[server]\nvalidate_socket = [::1]:9002\nfastcgi_peers = ,\n", "t");
    ASSERT_FALSE(v);
    EXPECT_NE(v.error().detail.find("fastcgi_peers"), std::string::npos) << v.error().detail;
    EXPECT_NE(v.error().detail.find("t:3"), std::string::npos) << "where the empty list is";

    auto ok = parse_config(
        "[server]\napi_socket = 10.0.0.5:9001\nvalidate_socket = [::]:9002\n"
        "fastcgi_peers = 10.0.0.0/24, fd00::1\n",
        "t");
    ASSERT_TRUE(ok) << ok.error().detail;
    ASSERT_EQ(ok->server.fastcgi_peers.size(), 2u);
    EXPECT_EQ(ok->server.fastcgi_peers[0].prefix, 24);
    EXPECT_EQ(ok->server.api_socket, "10.0.0.5:9001");
}

TEST(Config, FastcgiPeersFromTheEnvironmentCount) {
    setenv("AUTHD_SERVER_FASTCGI_PEERS", "127.0.0.1", 1);
    auto c = parse_config("[server]\napi_socket = 127.0.0.1:9001\n", "t");
    unsetenv("AUTHD_SERVER_FASTCGI_PEERS");
    ASSERT_TRUE(c) << c.error().detail;
    EXPECT_EQ(c->server.fastcgi_peers.size(), 1u);
}

TEST(Config, UnixSocketsIgnoreFastcgiPeers) {
    auto c = parse_config("[server]\napi_socket = /tmp/a.sock\n", "t");
    ASSERT_TRUE(c) << c.error().detail;
    EXPECT_TRUE(c->server.fastcgi_peers.empty());
    auto d = parse_config("[server]\nfastcgi_peers = 10.0.0.5\n", "t");
    ASSERT_TRUE(d) << d.error().detail;
}

TEST(Config, BadSocketsAndPeersAreNamed) {
    auto name = parse_config("[server]\napi_socket = localhost:9001\n", "t");
    ASSERT_FALSE(name);
    EXPECT_NE(name.error().detail.find("api_socket"), std::string::npos) << name.error().detail;
    auto relative = parse_config("[server]\nvalidate_socket = run/validate.sock\n", "t");
    ASSERT_FALSE(relative);
    EXPECT_NE(relative.error().detail.find("validate_socket"), std::string::npos);
    auto peers = parse_config("[server]\nfastcgi_peers = 10.0.0.0/33\n", "t");
    ASSERT_FALSE(peers);
    EXPECT_NE(peers.error().detail.find("fastcgi_peers"), std::string::npos)
        << peers.error().detail;
}

TEST(Config, PublicUrlIsAnOriginAndDefaultsToTheIssuers) {
    auto c = parse_config("[tokens]\nissuer = https://Auth.Example.com/tenant\n", "t.conf");
    ASSERT_TRUE(c) << c.error().detail;
    EXPECT_EQ(c->http.public_url, "https://auth.example.com");
    c = parse_config("[http]\npublic_url = https://login.example.com:443/\n", "t.conf");
    ASSERT_TRUE(c) << c.error().detail;
    EXPECT_EQ(c->http.public_url, "https://login.example.com");
    for (const char* bad : {"https://login.example.com/portal", "login.example.com",
                            "ftp://login.example.com", "https://login.example.com?x=1"}) {
        auto r = parse_config(std::string("[http]\npublic_url = ") + bad + "\n", "t.conf");
        ASSERT_FALSE(r) << bad;
        EXPECT_NE(r.error().detail.find("public_url"), std::string::npos) << r.error().detail;
    }
}

TEST(Config, TokensAlgorithmIsParsedOnce) {
    auto c = parse_config("", "t.conf");
    ASSERT_TRUE(c) << c.error().detail;
    EXPECT_EQ(c->tokens.alg, authd::JwsAlg::es256);
    c = parse_config("[tokens]\nalgorithm = EdDSA\n", "t.conf");
    ASSERT_TRUE(c) << c.error().detail;
    EXPECT_EQ(c->tokens.alg, authd::JwsAlg::eddsa);
    for (const char* bad : {"es256", "none", "HS256", ""}) {
        auto r = parse_config(std::string("[tokens]\nalgorithm = ") + bad + "\n", "t.conf");
        ASSERT_FALSE(r) << bad;
        EXPECT_NE(r.error().detail.find("algorithm"), std::string::npos) << r.error().detail;
    }
}
