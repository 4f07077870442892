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
