// api/auth.h
//
// Who is calling: the access token from `Authorization: Bearer` or the
// access cookie (http::find_access_token), verified (signature and claims),
// and its session checked in Postgres, so a revoked session's tokens fail
// at once.
#pragma once

#include "api/services.h"
#include "core/clock.h"
#include "http/credentials.h"
#include "http/request.h"
#include "http/response.h"
#include "sessions/session_store.h"
#include "sessions/token.h"

namespace authd::api {

// The access cookie's name is http::kAccessCookie (http/credentials.h).
inline constexpr std::string_view kRefreshCookie = "__Secure-authd_refresh";

struct Caller {
    sessions::AccessClaims claims;
    sessions::Session session;
};

// The CSRF guard of cookie mode: a state-changing request that a browser
// authenticated with a cookie must come from an allowed origin: its Origin
// header is the portal's ([http] public_url) or a configured CORS origin,
// or, with no Origin (or "null"), Sec-Fetch-Site says same-origin.  403
// FORBIDDEN_ORIGIN otherwise.
std::optional<http::ApiError> check_cookie_origin(const Config& config,
                                                  const http::Request& request);

// Begins the handler's transaction and holds the caller's account row
// (first: the lock order of accounts/user_store.h) and session in it
// (sessions::lock_live_session): a write for a caller whose session was
// revoked since authenticate() (account deleted, password changed, logged
// out, possibly by a concurrent request) waits for that revocation to
// commit, then answers 401 INVALID_TOKEN instead of happening.  The
// error is the answer to give when it fails (401, or 503).
Result<db::Transaction, http::ApiError> begin_as_caller(Services& services, const Caller& caller);

// 401 INVALID_TOKEN / TOKEN_EXPIRED (with WWW-Authenticate), 403
// FORBIDDEN_ORIGIN for a cookie-authenticated POST/PUT/DELETE from another
// origin, or 503 when Postgres is unreachable.
Result<Caller, http::ApiError> authenticate(Services& services, const http::Request& request);

}  // namespace authd::api
