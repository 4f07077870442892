// http/credentials.cpp
//
// A Bearer Authorization header wins over the cookie, even a malformed
// one: a client that sent a token meant it, and a stale cookie must not
// stand in for a token it got wrong.  A header of another scheme (Basic,
// from an app's own login in front of authd; Negotiate) carries no token
// of ours: the access cookie, if any, is the credential, and without one
// the header is a malformed credential, not none.
#include "http/credentials.h"

#include "core/ascii.h"
#include "http/cookie.h"

namespace authd::http {
namespace {

std::string_view trim_spaces(std::string_view v) {
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    return v;
}

// The Authorization header read as `Bearer <token>`.
struct AuthorizationHeader {
    bool bearer = false;  // the scheme is Bearer (any case), or there is no scheme at all
    std::string token;    // bearer only; empty when malformed
};

std::optional<AuthorizationHeader> authorization(const Request& request) {
    const std::string* auth = request.header("authorization");
    if (!auth) return std::nullopt;
    const std::string_view v = trim_spaces(*auth);
    const size_t space = v.find(' ');
    const std::string_view scheme = v.substr(0, space);
    // An empty header names no other scheme: a malformed Bearer.
    if (!scheme.empty() && !ascii_iequals(scheme, "bearer")) return AuthorizationHeader{};
    if (space == std::string_view::npos) return AuthorizationHeader{true, {}};
    return AuthorizationHeader{true, std::string(trim_spaces(v.substr(space + 1)))};
}

}  // namespace

std::optional<AccessToken> find_access_token(const Request& request) {
    const std::optional<AuthorizationHeader> header = authorization(request);
    if (header && header->bearer) return AccessToken{header->token, false};
    if (std::optional<std::string> cookie = find_cookie(request, kAccessCookie)) {
        return AccessToken{std::move(*cookie), true};
    }
    if (header) return AccessToken{{}, false};  // another scheme and no cookie
    return std::nullopt;
}

ApiError unauthorized_error(std::string_view code, std::string reason, bool had_credentials) {
    ApiError e{401, code,
               code == "TOKEN_EXPIRED" ? "the access token has expired"
                                       : "a valid access token is required"};
    e.log_reason = std::move(reason);
    e.www_authenticate = had_credentials ? "Bearer error=\"invalid_token\"" : "Bearer";
    return e;
}

}  // namespace authd::http
