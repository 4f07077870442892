// http/credentials.h
//
// The caller's access token, wherever it rides: `Authorization: Bearer`
// (API clients), else the access cookie (browsers, and nginx's
// auth_request, which passes the browser's Cookie header on).  The API pool
// and the validate pool read it here and nowhere else, and answer its
// absence or a bad one with the same 401.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/request.h"
#include "http/response.h"

namespace authd::http {

inline constexpr std::string_view kAccessCookie = "__Secure-authd_access";

struct AccessToken {
    std::string token;         // empty: malformed credentials
    bool from_cookie = false;  // cookie mode: a browser sent it by itself
};

// nullopt when the request carries no credentials at all: no
// Authorization header and no access cookie.  A Bearer header wins over
// the cookie; a header of another scheme (Basic, ...) does not hide it.
// An empty `token` when the credentials are malformed, which is not the
// same as missing: a Bearer header without a token (the cookie is then not
// looked at), a header of another scheme and no cookie, or an empty access
// cookie.
std::optional<AccessToken> find_access_token(const Request& request);

// 401 INVALID_TOKEN or TOKEN_EXPIRED with the WWW-Authenticate challenge:
// bare "Bearer" when no credentials came, error="invalid_token" otherwise.
ApiError unauthorized_error(std::string_view code, std::string reason, bool had_credentials);

}  // namespace authd::http
