// cache/client.h
//
// One worker's memcached handle (cache/handle.h: binary protocol, consistent
// hashing over the configured servers), opened after fork.  A miss is
// std::nullopt, not an error; an unreachable server is `unavailable`, and
// callers decide what a cache outage means for them (rate limits fall back
// to shared memory; nothing else depends on the cache).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cache/handle.h"
#include "core/config.h"
#include "core/result.h"

namespace authd::cache {

class Client {
public:
    explicit Client(const Config::Cache& config);

    Result<std::optional<std::string>> get(std::string_view key);
    Result<void> set(std::string_view key, std::string_view value, int ttl_seconds);
    // Atomically adds 1, creating the counter at 1 with `ttl_seconds` if it
    // does not exist.  Returns the new value.
    Result<uint64_t> increment(std::string_view key, int ttl_seconds);
    // True when every server answers.
    bool ping();

private:
    MemcachedPtr mc_;
};

}  // namespace authd::cache
