// cache/handle.cpp
#include "cache/handle.h"

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace authd::cache {
namespace {

// One item of the list: /path, host, host:port, [IPv6] or [IPv6]:port.
// The brackets are the list's, not the address's: getaddrinfo() wants the
// bare IPv6 literal, and the ring hashes the name that is added.
void add_server(memcached_st* mc, std::string item) {
    if (item.front() == '/') {
        memcached_server_add_unix_socket(mc, item.c_str());
        return;
    }
    size_t host_end = item.size();
    size_t colon = item.rfind(':');
    if (item.front() == '[') {
        size_t bracket = item.find(']');
        host_end = bracket == std::string::npos ? item.size() : bracket;
        colon = bracket == std::string::npos ? std::string::npos : item.find(':', bracket);
    } else if (colon != std::string::npos) {
        host_end = colon;
    }
    in_port_t port = 11211;
    if (colon != std::string::npos) {
        // The leading digits (none: 0, libmemcached's default port).
        unsigned parsed = 0;
        std::from_chars(item.data() + colon + 1, item.data() + item.size(), parsed);
        port = static_cast<in_port_t>(parsed);
    }
    const size_t host_start = item.front() == '[' ? 1 : 0;
    const std::string host = item.substr(host_start, host_end - host_start);
    memcached_server_add(mc, host.c_str(), port);
}

}  // namespace

MemcachedPtr open_handle(const Config::Cache& config) {
    MemcachedPtr handle(memcached_create(nullptr));
    memcached_st* mc = handle.get();
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_BINARY_PROTOCOL, 1);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_DISTRIBUTION, MEMCACHED_DISTRIBUTION_CONSISTENT);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_TCP_NODELAY, 1);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, config.timeout_ms);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_POLL_TIMEOUT, config.timeout_ms);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_SND_TIMEOUT,
                           static_cast<uint64_t>(config.timeout_ms) * 1000);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_RCV_TIMEOUT,
                           static_cast<uint64_t>(config.timeout_ms) * 1000);
    // A server that failed is tried again after a second, so a restarted
    // memcached is used again without restarting authd.
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, 1);
    memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_DEAD_TIMEOUT, 1);

    std::string_view list = config.servers;
    while (!list.empty()) {
        size_t comma = list.find(',');
        std::string item(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        while (!item.empty() && item.front() == ' ') item.erase(0, 1);
        while (!item.empty() && item.back() == ' ') item.pop_back();
        if (!item.empty()) add_server(mc, std::move(item));
    }
    return handle;
}

}  // namespace authd::cache
