// tests/unit/cache/handle_test.cpp
//
// The memcached server list: how [cache] servers is read, and the
// consistent-hashing ring that lets several hosts count a rate limit on
// the same server whatever the order of their lists.  No server runs:
// libmemcached picks a key's server without connecting.

#include "cache/handle.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace authd::cache {
namespace {

MemcachedPtr handle_for(const std::string& servers) {
    Config::Cache config;
    config.servers = servers;
    return open_handle(config);
}

std::string server_name(const memcached_instance_st* server) {
    return std::string(memcached_server_name(server)) + ":" +
           std::to_string(memcached_server_port(server));
}

std::vector<std::string> servers_of(memcached_st* mc) {
    std::vector<std::string> out;
    memcached_server_fn print = [](const memcached_st*, const memcached_instance_st* server,
                                   void* context) {
        static_cast<std::vector<std::string>*>(context)->push_back(server_name(server));
        return MEMCACHED_SUCCESS;
    };
    memcached_server_cursor(mc, &print, &out, 1);
    return out;
}

std::string server_for(memcached_st* mc, const std::string& key) {
    memcached_return_t rc = MEMCACHED_SUCCESS;
    const memcached_instance_st* server = memcached_server_by_key(mc, key.data(), key.size(), &rc);
    EXPECT_EQ(rc, MEMCACHED_SUCCESS);
    return server ? server_name(server) : "";
}

std::vector<std::string> keys(int n) {
    std::vector<std::string> out;
    out.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) out.push_back("authd:rl:login:192.0.2." + std::to_string(i) + ":1");
    return out;
}

TEST(CacheServers, ReadsEveryFormOfTheList) {
    auto mc = handle_for(" 10.0.0.7:11212,cache2 ,/run/memcached/mc.sock, [fd00::7]:11213,[::1],");
    EXPECT_EQ(servers_of(mc.get()),
              (std::vector<std::string>{"10.0.0.7:11212", "cache2:11211",
                                        "/run/memcached/mc.sock:0", "fd00::7:11213", "::1:11211"}));
}

TEST(CacheServers, EveryHostMapsAKeyToTheSameServerWhateverTheOrder) {
    auto forward = handle_for("10.0.0.7:11211, 10.0.0.8:11211, 10.0.0.9:11212");
    auto backward = handle_for("10.0.0.9:11212,10.0.0.8:11211,10.0.0.7:11211");
    std::set<std::string> used;
    for (const std::string& key : keys(300)) {
        std::string server = server_for(forward.get(), key);
        EXPECT_EQ(server, server_for(backward.get(), key)) << key;
        used.insert(server);
    }
    EXPECT_EQ(used.size(), 3U);  // every server holds some of the keys
}

TEST(CacheServers, AddingAServerMovesOnlySomeKeys) {
    // A consistent ring: a third server takes about a third of the keys and
    // leaves the others where they were (modulo hashing would move most).
    auto two = handle_for("10.0.0.7:11211, 10.0.0.8:11211");
    auto three = handle_for("10.0.0.7:11211, 10.0.0.8:11211, 10.0.0.9:11211");
    int moved = 0;
    const std::vector<std::string> all = keys(600);
    for (const std::string& key : all) {
        std::string before = server_for(two.get(), key);
        std::string after = server_for(three.get(), key);
        if (before != after) {
            ++moved;
            EXPECT_EQ(after, "10.0.0.9:11211") << key;
        }
    }
    EXPECT_GT(moved, 0);
    EXPECT_LT(moved, static_cast<int>(all.size()) / 2);
}

}  // namespace
}  // namespace authd::cache
