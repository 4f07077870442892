// http/credentials.cpp
//
// An Authorization header wins over the cookie, even a malformed one: a
// client that sent a header meant it, and a stale cookie must not stand in
// for a token it got wrong.
#include "http/credentials.h"

#include "core/ascii.h"
#include "http/cookie.h"

namespace authd::http {
namespace {

// nullopt without an Authorization header; "" when it is not a Bearer one.
std::optional<std::string> bearer_token(const Request& request) {
    const std::string* auth = request.header("authorization");
    if (!auth) return std::nullopt;
    std::string_view v = *auth;
    if (v.size() < 7) return std::string();
    if (!ascii_iequals(v.substr(0, 7), "bearer ")) return std::string();
    v.remove_prefix(7);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    return std::string(v);
}

}  // namespace

std::optional<AccessToken> find_access_token(const Request& request) {
    if (std::optional<std::string> bearer = bearer_token(request)) {
        return AccessToken{std::move(*bearer), false};
    }
    if (std::optional<std::string> cookie = find_cookie(request, kAccessCookie)) {
        return AccessToken{std::move(*cookie), true};
    }
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
