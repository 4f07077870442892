// ratelimit/limiter.h
//
// Fixed-window rate limits (contract section 6): every request counts,
// whatever its answer, and the (max+1)th request in a window is refused.
// Counts live in memcached, shared by every host; each request is also
// written through to the host's SharedTable, which decides while memcached
// cannot be used, so the limits hold per host during an outage.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cache/client.h"
#include "ratelimit/shared_table.h"

namespace authd::ratelimit {

struct Limit {
    std::string_view name;  // "login", "register", ...: part of the key; a short
                            // token without spaces or control characters
    int max;                // requests allowed per window; <= 0 refuses all
    int window_seconds;     // <= 0 is taken as 1
};

struct Decision {
    bool allowed;
    int retry_after;  // whole seconds until the window ends, >= 1 (set whether
                      // allowed or not; the Retry-After of a 429)
    uint64_t count;   // this request's count in the window
    bool cache_down;  // memcached could not be used; the shared table decided
};

// The fixed window holding `now`: index = floor(now / seconds), and the
// window is [index * seconds, end) with end = (index + 1) * seconds.
struct Window {
    int64_t index;
    int64_t end;
};
Window window_at(int64_t now, int window_seconds);

// The memcached key of a counter:
// "rl:" + name + ":" + window index + ":" + the first 32 hex digits of
// SHA-256(subject).  Subjects may be emails, so one never appears in clear;
// for a name as Limit describes, the key has no spaces and is far below
// memcached's 250 bytes.
std::string cache_key(std::string_view name, int64_t window_index, std::string_view subject);

class Limiter {
public:
    // Both must outlive the Limiter.  `table` may be null (tests only): then
    // a request that memcached cannot count is allowed, with count 0 and
    // cache_down set.
    Limiter(cache::Client& cache, SharedTable* table);

    // Counts this request against `limit` for `subject` (an address from
    // client_subject(), an email, a user id) at unix time `now` and decides.
    // The count is the higher of memcached's and the shared table's when
    // memcached answered, else the table's (cache_down = true).  A memcached
    // that comes back is used again at once (the client retries a dead
    // server after about a second).
    Decision hit(const Limit& limit, std::string_view subject, int64_t now);

private:
    cache::Client& cache_;
    SharedTable* table_;
    bool cache_down_ = false;  // last seen state, to log changes only
};

}  // namespace authd::ratelimit
