// api/limits.h
//
// The rate limits of contract section 6 as the endpoints apply them, and
// who the client is for per-IP limits: nginx's REMOTE_ADDR, never a client
// header, unless REMOTE_ADDR is a configured trusted proxy, in which case
// the nearest untrusted address of X-Forwarded-For.
#pragma once

#include <optional>
#include <string>

#include "api/services.h"
#include "http/request.h"
#include "http/response.h"
#include "ratelimit/limiter.h"

namespace authd::api {

enum class LimitKind {
    login,
    register_account,
    forgot_password,      // per email
    resend_verification,  // per email
    // Per client IP, in front of the endpoints whose subject a client
    // chooses (an email in the body) or whose code it could guess at.
    forgot_per_ip,
    resend_per_ip,
    reset_password,
    verify_email,
    mfa_verify,
    mfa_setup,
    recheck,  // a signed-in user's secret asked again, per user
};

// The client's address (IPv4, or IPv6 reduced to its /64) for per-IP limits.
std::string client_address(const http::Request& request, const std::string& trusted_proxies);

// Counts this request; a 429 RATE_LIMITED with Retry-After when it is over.
std::optional<http::ApiError> over_limit(Services& services, LimitKind kind,
                                         std::string_view subject);

// The same for a limit whose subject the request itself names, before its
// body is read: the client address (the per-IP kinds) or the authenticated
// caller (mfa/setup; a request that does not authenticate counts for
// nobody, and its handler answers the 401).  Not for the per-email limits,
// whose subject is in the body.
std::optional<http::ApiError> over_limit_before_body(Services& services, LimitKind kind,
                                                     const http::Request& request);

}  // namespace authd::api
