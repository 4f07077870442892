// validate/cache_policy.h
//
// What nginx's micro-cache in front of the validator
// (nginx/snippets/authd-validate-cached.conf) may keep, and for how long.
// nginx serves a cached 204 without asking authd, so the validator decides
// on each answer, through X-Accel-Expires, whether the answer may be reused
// and until when; nginx stores nothing the validator did not mark.
//
// The bound.  An answer is computed from a revoked set refreshed at most
// kRefreshIntervalMs earlier (a revocation committed before that refresh
// is refused by the answer itself), and nginx reuses it until at most
// kCacheLifeMs after it was computed; so a revocation is refused through
// the cache within kRefreshIntervalMs + kCacheLifeMs of its commit:
// kCachedRevocationBoundMs, against kRefreshIntervalMs without the cache.
//
// Whole seconds.  nginx keeps a cache entry's life in whole seconds of its
// own clock and serves it while that second is not past the entry's
// (`X-Accel-Expires: @T` serves it until T + 1, exclusive).  A relative
// `X-Accel-Expires: 1` would live up to two seconds; the absolute form
// lets the validator end every entry on the last second boundary inside
// its budget, so an entry lives between 0 and kCacheLifeMs (on average
// half of it) and never longer.  nginx and authd read one clock (the same
// host, or hosts kept in step by NTP).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "http/request.h"
#include "validate/revoked_sessions.h"

namespace authd::validate {

inline constexpr int64_t kCacheLifeMs = 1000;
inline constexpr int64_t kCachedRevocationBoundMs =
    RevokedSessions::kRefreshIntervalMs + kCacheLifeMs;

// The last whole unix second nginx may serve a 204 in (`X-Accel-Expires:
// @<it>`), or nullopt when the answer must not be cached, for an answer
// computed at `now_ms` (unix ms) from a revoked set last refreshed at
// `set_refreshed_ms` (0: never), for a token refused from
// `token_expires_at` on (unix seconds, AccessClaims::expires_at).
// Not cacheable: a set that is not fresh (refreshed kRefreshIntervalMs or
// more ago, or in the future: the clock went back), or no whole second
// left before the entry would outlive its budget or the token.
std::optional<int64_t> cache_last_second(int64_t now_ms, int64_t set_refreshed_ms,
                                         int64_t token_expires_at);

// The X-Accel-Expires value for `last_second`: "@<unix seconds>", or "0"
// (nginx stores nothing).
std::string accel_expires(std::optional<int64_t> last_second);

// The cache key nginx must have computed for `request` if the answer is to
// be cached, from what the validator reads: AUTHD_REQUIRE_MFA,
// AUTHD_REQUIRE_GROUP, the Authorization and the Cookie header (empty when
// absent), joined by "\n", which no header value can hold.  The snippet's
// fastcgi_cache_key is the same string, and nginx passes it in
// AUTHD_CACHE_KEY: an answer is cacheable only when the two agree, so a
// request nginx sees differently than authd (two Authorization headers:
// nginx keys on the first, authd reads the last) is never stored.
std::string expected_cache_key(const http::Request& request);

// Whether `request` came through the cached location with a key that
// covers everything the answer depends on: AUTHD_CACHE_KEY equal to
// expected_cache_key(), and no identity forwarding (the FORBIDDEN_HEADER
// check must see every request, so AUTHD_FORWARDS_IDENTITY=1 is never
// cached).
bool cache_key_covers(const http::Request& request);

}  // namespace authd::validate
