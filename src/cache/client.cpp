// cache/client.cpp
#include "cache/client.h"

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

Client::Client(const Config::Cache& config) : mc_(open_handle(config)) {}

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
