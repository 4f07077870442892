// api/auth.cpp
#include "api/auth.h"

#include <time.h>

#include <algorithm>

#include "accounts/user_store.h"
#include "api/call.h"
#include "core/ascii.h"
#include "core/origin.h"

namespace authd::api {

std::optional<http::ApiError> check_cookie_origin(const Config& config,
                                                  const http::Request& request) {
    using http::Method;
    if (request.method == Method::get || request.method == Method::head ||
        request.method == Method::options) {
        return std::nullopt;
    }
    bool allowed = false;
    const std::string* origin = request.header("origin");
    // NB: "null" is what a browser sends for its own page under
    // Referrer-Policy: no-referrer (the site's policy); Sec-Fetch-Site, which
    // no script can set, then tells same-origin from the rest.
    if (origin && *origin == "null") origin = nullptr;
    if (origin) {
        const std::string o = ascii_lowered(*origin);
        // The portal's origin ([http] public_url, by default the issuer's).
        allowed = origin_of(o) == config.http.public_url ||
                  std::find(config.http.cors_origins.begin(), config.http.cors_origins.end(), o) !=
                      config.http.cors_origins.end();
    } else if (const std::string* site = request.header("sec-fetch-site")) {
        allowed = *site == "same-origin";
    }
    if (allowed) return std::nullopt;
    http::ApiError e{403, "FORBIDDEN_ORIGIN", "this request must come from an allowed origin"};
    e.log_reason = "csrf_origin";
    return e;
}

Result<Caller, http::ApiError> authenticate(Services& services, const http::Request& request) {
    using Fail = Unexpected<http::ApiError>;
    using http::unauthorized_error;
    std::optional<http::AccessToken> credentials = http::find_access_token(request);
    if (!credentials) return Fail{unauthorized_error("INVALID_TOKEN", "no_credentials", false)};
    if (credentials->from_cookie) {
        if (auto refused = check_cookie_origin(services.config, request)) return Fail{*refused};
    }
    const std::string& token = credentials->token;
    if (token.empty())
        return Fail{unauthorized_error("INVALID_TOKEN", "malformed_authorization", true)};

    auto claims =
        sessions::verify_access_token(services.keys, services.config.tokens, token, unix_now());
    if (!claims) {
        const auto& f = claims.error();
        return Fail{
            unauthorized_error(f.expired ? "TOKEN_EXPIRED" : "INVALID_TOKEN", f.reason, true)};
    }
    auto session = sessions::find_session(services.db, claims->session_id);
    if (!session) {
        http::ApiError e{503, "SERVICE_UNAVAILABLE", "the service is unavailable, try again"};
        e.log_reason = session.error().detail;
        return Fail{e};
    }
    if (!*session || (*session)->user_id != claims->user_id) {
        return Fail{unauthorized_error("INVALID_TOKEN", "unknown_session", true)};
    }
    if ((*session)->revoked)
        return Fail{unauthorized_error("INVALID_TOKEN", "session_revoked", true)};
    if ((*session)->expired)
        return Fail{unauthorized_error("INVALID_TOKEN", "session_expired", true)};
    return Caller{std::move(*claims), std::move(**session)};
}

Result<db::Transaction, http::ApiError> begin_as_caller(Services& s, const Caller& caller) {
    auto tx = db::Transaction::begin(s.db);
    if (!tx) return failure(tx.error());
    // The account's row before the session's (accounts/user_store.h).
    if (auto user = accounts::lock_user(*tx, caller.claims.user_id); !user) {
        return failure(user.error());
    }
    auto live = sessions::lock_live_session(*tx, caller.session.id);
    if (!live) return failure(live.error());
    if (!*live) return refuse(http::unauthorized_error("INVALID_TOKEN", "session_revoked", true));
    return std::move(*tx);
}

}  // namespace authd::api
