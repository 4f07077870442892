// validate/cache_policy.cpp
//
// Pure decisions, no clock of their own: the validator passes its time and
// its revoked set's, so the arithmetic is tested to the millisecond
// (tests/unit/validate/cache_policy_test.cpp).  Every doubt answers "not
// cacheable": an answer that reaches authd is always right, a cached one
// only within the bound.
#include "validate/cache_policy.h"

#include <algorithm>

namespace authd::validate {
namespace {

// Floor division: unix milliseconds to the second they fall in.
int64_t second_of(int64_t ms) { return ms >= 0 ? ms / 1000 : -((999 - ms) / 1000); }

std::string_view param_or_empty(const http::Request& request, std::string_view name) {
    const std::string* p = request.param(name);
    return p ? std::string_view(*p) : std::string_view();
}

std::string_view header_or_empty(const http::Request& request, std::string_view name) {
    const std::string* h = request.header(name);
    return h ? std::string_view(*h) : std::string_view();
}

}  // namespace

std::optional<int64_t> cache_last_second(int64_t now_ms, int64_t set_refreshed_ms,
                                         int64_t token_expires_at) {
    // NB: a set refreshed kRefreshIntervalMs or more ago means the last
    // refresh failed (a due refresh runs before the answer is computed):
    // the bound assumes a set at most that old.
    if (set_refreshed_ms <= 0 || set_refreshed_ms > now_ms ||
        now_ms - set_refreshed_ms >= RevokedSessions::kRefreshIntervalMs) {
        return std::nullopt;
    }
    // The entry is served until (last second + 1) * 1000, exclusive: that
    // must come no later than the budget's end, nor than the moment the
    // validator starts refusing the token (from expires_at on).
    const int64_t end_ms = std::min(now_ms + kCacheLifeMs, token_expires_at * 1000);
    const int64_t last_second = second_of(end_ms) - 1;
    // An entry whose last second is already over would never be served.
    if (last_second < second_of(now_ms)) return std::nullopt;
    return last_second;
}

std::string accel_expires(std::optional<int64_t> last_second) {
    return last_second ? "@" + std::to_string(*last_second) : std::string("0");
}

std::string expected_cache_key(const http::Request& request) {
    std::string key;
    key.append(param_or_empty(request, "AUTHD_REQUIRE_MFA")).push_back('\n');
    key.append(param_or_empty(request, "AUTHD_REQUIRE_GROUP")).push_back('\n');
    key.append(header_or_empty(request, "authorization")).push_back('\n');
    key.append(header_or_empty(request, "cookie"));
    return key;
}

bool cache_key_covers(const http::Request& request) {
    const std::string* nginx_key = request.param("AUTHD_CACHE_KEY");
    if (!nginx_key) return false;
    const std::string* forwards = request.param("AUTHD_FORWARDS_IDENTITY");
    if (forwards && *forwards == "1") return false;
    return *nginx_key == expected_cache_key(request);
}

}  // namespace authd::validate
