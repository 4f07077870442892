// validate/validator.cpp
//
// The auth_request hot path.  Order per request, and why:
//  1. path and method (404/405) before anything else; the body is ignored.
//     Then, where nginx forwards the identity to an app, a client X-Auth-*
//     header that nginx does not overwrite (403 FORBIDDEN_HEADER): it
//     would reach the app beside authd's own, and no token makes it right.
//  2. the token, verified or found in the cache: an invalid token is a 401
//     that needs no database, so it is answered even during an outage.
//  3. the revoked set, refreshed if due and consulted on every request: a
//     cache hit says only that the bytes were verified once, not that the
//     session still lives.  A set older than kMaxStalenessMs is a 503.
//  4. MFA_REQUIRED, then GROUP_REQUIRED, then the identity headers.  Both
//     403s come after the revoked set: a revoked session learns it is
//     revoked (401), not that it lacks a factor or a group.  A location that
//     requires no group (the param absent or empty) costs one map lookup.
// The 401s are those of the API pool's authentication (api/auth.cpp, which
// checks the session row in Postgres instead of the set): both read the
// token with http::find_access_token and answer with
// http::unauthorized_error.
#include "validate/validator.h"

#include <time.h>

#include <algorithm>
#include <iterator>
#include <optional>

#include "core/clock.h"
#include "core/log.h"
#include "core/origin.h"
#include "http/credentials.h"
#include "http/redirect.h"
#include "metrics/shared_counters.h"
#include "validate/cache_policy.h"

namespace authd::validate {
namespace {

// The metrics outcome of a checked request: every refusal carries its code
// in X-Auth-Error, a pass is the 204.
metrics::Event outcome_of(const http::Response& r) {
    if (r.status == 204) return metrics::Event::validator_allowed;
    std::string_view code;
    for (const auto& [name, value] : r.headers) {
        if (name == "X-Auth-Error") code = value;
    }
    if (code == "TOKEN_EXPIRED") return metrics::Event::validator_token_expired;
    if (code == "MFA_REQUIRED") return metrics::Event::validator_mfa_required;
    if (code == "GROUP_REQUIRED") return metrics::Event::validator_group_required;
    if (code == "FORBIDDEN_HEADER") return metrics::Event::validator_forbidden_header;
    if (code == "SERVICE_UNAVAILABLE") return metrics::Event::validator_unavailable;
    return metrics::Event::validator_invalid_token;
}

constexpr std::string_view kPath = "/auth/validate";

bool param_is(const http::Request& request, std::string_view name, std::string_view value) {
    const std::string* p = request.param(name);
    return p && *p == value;
}

std::string_view trim_blanks(std::string_view s) {
    const size_t first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// The X-Auth-* request headers nginx's identity snippets set, and so
// overwrite (nginx/snippets/authd-identity-*.conf), lower-case.
constexpr std::string_view kIdentityHeaders[] = {"x-auth-user-id",    "x-auth-email",
                                                 "x-auth-name",       "x-auth-mfa",
                                                 "x-auth-session-id", "x-auth-groups"};
constexpr std::string_view kIdentityPrefix = "x-auth-";

// A client header of the X-Auth- family that nginx would pass to the app
// untouched.  Looks only at the names after "x-auth-" in the sorted map.
bool has_foreign_identity_header(const http::Request& request) {
    for (auto it = request.headers.lower_bound(std::string(kIdentityPrefix));
         it != request.headers.end() && it->first.starts_with(kIdentityPrefix); ++it) {
        if (std::find(std::begin(kIdentityHeaders), std::end(kIdentityHeaders), it->first) ==
            std::end(kIdentityHeaders)) {
            return true;
        }
    }
    return false;
}

// [database] statement_timeout_ms, capped at kRefreshQueryTimeoutMs (0 is
// "no limit" there, which the hot path cannot afford).
int refresh_query_timeout_ms(const Config::Database& database) {
    const int configured = database.statement_timeout_ms;
    return configured > 0 ? std::min(configured, kRefreshQueryTimeoutMs) : kRefreshQueryTimeoutMs;
}

std::string join_groups(const std::vector<std::string>& groups) {
    std::string out;
    for (const auto& g : groups) {
        if (!out.empty()) out += ',';
        out += g;
    }
    return out;
}

}  // namespace

std::string login_location(std::string_view original_url, bool allowed,
                           std::string_view public_url) {
    if (!allowed) return "/login";
    // NB: the origin of an allowed URL only: a host nginx cannot vouch for
    // never decides where the login form is.
    const bool same_origin = origin_of(original_url) == public_url;
    return std::string(same_origin ? std::string_view() : public_url) +
           "/login?rd=" + http::percent_encode(original_url);
}

bool groups_satisfy(const std::vector<std::string>& groups, std::string_view required) {
    required = trim_blanks(required);
    if (required.empty()) return true;
    while (!required.empty()) {
        const size_t comma = required.find(',');
        const std::string_view name = trim_blanks(required.substr(0, comma));
        if (!name.empty() && std::find(groups.begin(), groups.end(), name) != groups.end()) {
            return true;
        }
        if (comma == std::string_view::npos) break;
        required.remove_prefix(comma + 1);
    }
    return false;
}

Validator::Validator(const Config& config, keys::Keyring keys)
    : config_(config),
      keys_(std::move(keys)),
      db_(config.database, refresh_query_timeout_ms(config.database)),
      revoked_(config.tokens) {}

Result<std::unique_ptr<Validator>> Validator::create(const Config& config) {
    auto keyring = keys::Keyring::load_for(config);
    if (!keyring) return Unexpected{keyring.error()};
    auto v = std::make_unique<Validator>(config, std::move(*keyring));
    // Warm the set now rather than on the first request; failing here only
    // means the first requests retry (and answer 503 until Postgres is back).
    if (auto r = v->revoked_.refresh(v->db_, wall_clock_ms()); !r) {
        log::warn("revoked_set_refresh_failed").str("reason", r.error().detail);
    } else {
        v->reported_refresh_ms_ = v->revoked_.last_refresh_ms();
        metrics::note_revoked_set_refreshed(v->reported_refresh_ms_);
    }
    return v;
}

http::Response Validator::handle(const http::Request& request) {
    const int64_t started = monotonic_us();
    const std::string& rid = request.request_id;
    if (request.path != kPath) {
        http::Response r = http::error_response({404, "NOT_FOUND", "no such resource"}, rid);
        metrics::observe_request(metrics::kRouteOther, r.status, monotonic_us() - started);
        return r;
    }
    http::Response r = [&] {
        if (request.method != http::Method::get && request.method != http::Method::head) {
            http::Response refused = http::error_response(
                {405, "METHOD_NOT_ALLOWED", "method not allowed on this resource"}, rid);
            refused.add_header("Allow", "GET, HEAD");
            return refused;
        }
        http::Response checked = check(request);
        metrics::count(outcome_of(checked));
        return checked;
    }();
    // NB: through the cached location every answer says whether nginx may
    // keep it; only check() marks a 204, everything else is stored never.
    if (r.status != 204 && request.param("AUTHD_CACHE_KEY")) r.add_header("X-Accel-Expires", "0");
    metrics::observe_request(metrics::kRouteValidate, r.status, monotonic_us() - started);
    return r;
}

http::Response Validator::unauthorized(const http::Request& request, std::string_view code,
                                       std::string reason, bool had_credentials) const {
    http::Response r = http::error_response(
        http::unauthorized_error(code, std::move(reason), had_credentials), request.request_id);
    r.add_header("X-Auth-Error", std::string(code));
    if (param_is(request, "AUTHD_BROWSER", "1")) {
        // NB: rd only for a URL on the allow-list, so the login page can
        // never be turned into an open redirect by a crafted original URL.
        const std::string* url = request.param("AUTHD_ORIGINAL_URL");
        const bool allowed =
            url && !url->empty() && http::redirect_allowed(*url, config_.http.redirect_hosts);
        r.add_header("X-Auth-Login", login_location(url ? *url : std::string_view(), allowed,
                                                    config_.http.public_url));
    }
    return r;
}

bool Validator::revoked_set_usable(int64_t now_ms) {
    if (auto r = revoked_.refresh(db_, now_ms); !r) {
        log::warn("revoked_set_refresh_failed").str("reason", r.error().detail);
    }
    const int64_t last = revoked_.last_refresh_ms();
    if (last != reported_refresh_ms_) {
        metrics::note_revoked_set_refreshed(last);
        reported_refresh_ms_ = last;
    }
    return last != 0 && now_ms - last <= kMaxStalenessMs;
}

http::Response Validator::check(const http::Request& request) {
    const std::string& rid = request.request_id;
    const int64_t now_ms = wall_clock_ms();
    const int64_t now = now_ms / 1000;

    // NB: nginx cannot drop client headers by prefix, so a location that
    // forwards the identity (AUTHD_FORWARDS_IDENTITY=1, set by the identity
    // snippets) has its request refused instead: an app that reads an
    // X-Auth-* name authd never sets would otherwise believe the client.
    if (param_is(request, "AUTHD_FORWARDS_IDENTITY", "1") && has_foreign_identity_header(request)) {
        http::ApiError e{403, "FORBIDDEN_HEADER",
                         "X-Auth-* request headers are reserved for the authentication service"};
        e.log_reason = "client_sent_x_auth_header";
        http::Response r = http::error_response(e, rid);
        r.add_header("X-Auth-Error", "FORBIDDEN_HEADER");
        return r;
    }

    std::optional<http::AccessToken> credentials = http::find_access_token(request);
    if (!credentials) return unauthorized(request, "INVALID_TOKEN", "no_credentials", false);
    const std::string& token = credentials->token;
    if (token.empty())
        return unauthorized(request, "INVALID_TOKEN", "malformed_authorization", true);

    std::string cache_key = TokenCache::key_of(token);
    const sessions::AccessClaims* claims = tokens_.find_key(cache_key, now);
    metrics::count(claims ? metrics::Event::token_cache_hit : metrics::Event::token_cache_miss);
    if (!claims) {
        auto verified = sessions::verify_access_token(keys_, config_.tokens, token, now);
        if (!verified) {
            const auto& f = verified.error();
            return unauthorized(request, f.expired ? "TOKEN_EXPIRED" : "INVALID_TOKEN", f.reason,
                                true);
        }
        claims = &tokens_.insert_key(std::move(cache_key), std::move(*verified), now);
    }

    // NB: on every request, cache hit or miss: the cache knows the token's
    // bytes were good once, only the set knows whether its session still is.
    if (!revoked_set_usable(now_ms)) {
        http::ApiError e{503, "SERVICE_UNAVAILABLE", "the service is unavailable, try again"};
        e.log_reason = "revoked_set_stale";
        http::Response r = http::error_response(e, rid);
        r.add_header("X-Auth-Error", "SERVICE_UNAVAILABLE");
        return r;
    }
    if (auto ending = revoked_.find(claims->session_id)) {
        return unauthorized(request, "INVALID_TOKEN",
                            *ending == Ending::revoked ? "session_revoked" : "session_expired",
                            true);
    }

    const auto& amr = claims->amr;
    const bool mfa = std::find(amr.begin(), amr.end(), "otp") != amr.end();
    if (param_is(request, "AUTHD_REQUIRE_MFA", "1") && !mfa) {
        http::Response r = http::error_response(
            {403, "MFA_REQUIRED", "this resource requires two-factor authentication"}, rid);
        r.add_header("X-Auth-Error", "MFA_REQUIRED");
        return r;
    }
    if (const std::string* required = request.param("AUTHD_REQUIRE_GROUP");
        required && !groups_satisfy(claims->groups, *required)) {
        http::ApiError e{403, "GROUP_REQUIRED", "this resource requires membership of a group"};
        e.log_reason = "not_in_required_group";
        http::Response r = http::error_response(e, rid);
        r.add_header("X-Auth-Error", "GROUP_REQUIRED");
        return r;
    }
    http::Response r = http::no_content();
    r.routine = true;  // every auth_request of every protected page
    r.add_header("X-Auth-User-Id", claims->user_id);
    r.add_header("X-Auth-Email", claims->email);
    r.add_header("X-Auth-Name", claims->name);
    r.add_header("X-Auth-Mfa", mfa ? "true" : "false");
    r.add_header("X-Auth-Session-Id", claims->session_id);
    if (!claims->groups.empty()) r.add_header("X-Auth-Groups", join_groups(claims->groups));
    if (request.param("AUTHD_CACHE_KEY")) {
        std::optional<int64_t> last_second;
        if (cache_key_covers(request)) {
            last_second = cache_last_second(now_ms, revoked_.last_refresh_ms(), claims->expires_at);
        }
        r.add_header("X-Accel-Expires", accel_expires(last_second));
    }
    return r;
}

}  // namespace authd::validate
