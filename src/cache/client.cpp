// cache/client.cpp
#include "cache/client.h"

#include <charconv>
#include <cstdlib>

#include "metrics/shared_counters.h"

namespace authd::cache {
namespace {

Unexpected<Error> from_rc(memcached_st* mc, memcached_return_t rc) {
    ErrorCode code = memcached_fatal(rc) || rc == MEMCACHED_SERVER_TEMPORARILY_DISABLED ||
                             rc == MEMCACHED_SERVER_MARKED_DEAD || rc == MEMCACHED_NO_SERVERS
                         ? ErrorCode::unavailable
                         : ErrorCode::internal;
    metrics::count(metrics::Event::memcached_error);
    return fail(code, std::string("memcached: ") + memcached_strerror(mc, rc));
}

}  // namespace

Client::Client(const Config::Cache& config) : mc_(memcached_create(nullptr)) {
    memcached_st* mc = mc_.get();
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
        if (item.empty()) continue;
        if (item.front() == '/') {
            memcached_server_add_unix_socket(mc, item.c_str());
            continue;
        }
        size_t colon = item.rfind(':');
        in_port_t port = 11211;
        if (colon != std::string::npos) {
            // The leading digits (none: 0, libmemcached's default port).
            unsigned parsed = 0;
            std::from_chars(item.data() + colon + 1, item.data() + item.size(), parsed);
            port = static_cast<in_port_t>(parsed);
            item.resize(colon);
        }
        memcached_server_add(mc, item.c_str(), port);
    }
}

Result<std::optional<std::string>> Client::get(std::string_view key) {
    size_t len = 0;
    uint32_t flags = 0;
    memcached_return_t rc;
    char* value = memcached_get(mc_.get(), key.data(), key.size(), &len, &flags, &rc);
    CPtr<char, std::free> owned(value);
    if (rc == MEMCACHED_NOTFOUND) return std::optional<std::string>();
    if (rc != MEMCACHED_SUCCESS) return from_rc(mc_.get(), rc);
    return std::optional<std::string>(std::string(value ? value : "", len));
}

Result<void> Client::set(std::string_view key, std::string_view value, int ttl_seconds) {
    memcached_return_t rc = memcached_set(mc_.get(), key.data(), key.size(), value.data(),
                                          value.size(), ttl_seconds, 0);
    if (rc != MEMCACHED_SUCCESS) return from_rc(mc_.get(), rc);
    return {};
}

Result<uint64_t> Client::increment(std::string_view key, int ttl_seconds) {
    uint64_t value = 0;
    memcached_return_t rc = MEMCACHED_NOTSTORED;
    // NB: over the text protocol this is incr, then add of the initial value
    // when the key is missing.  Two clients that miss at once both try the
    // add and one gets NOT_STORED: the key exists now, so incr again.
    for (int attempt = 0; attempt < 2 && rc == MEMCACHED_NOTSTORED; ++attempt) {
        rc = memcached_increment_with_initial(mc_.get(), key.data(), key.size(), 1, 1,
                                              static_cast<time_t>(ttl_seconds), &value);
    }
    if (rc != MEMCACHED_SUCCESS) return from_rc(mc_.get(), rc);
    return value;
}

bool Client::ping() {
    auto r = get("authd:ping");
    return r.has_value();
}

}  // namespace authd::cache
