// http/cookie.h
//
// Reading the Cookie header and writing Set-Cookie values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/request.h"

namespace authd::http {

// The value of cookie `name` in the request's Cookie header(s), if present.
std::optional<std::string> find_cookie(const Request& request, std::string_view name);

struct CookieSpec {
    std::string_view name;
    std::string_view value;
    std::string_view path = "/";
    std::string_view domain;     // empty: host-only
    std::string_view same_site;  // "Lax" or "Strict"
    long max_age = -1;           // -1: session cookie; 0: delete
};

// "name=value; Path=/; Max-Age=N; HttpOnly; Secure; SameSite=Lax".
std::string set_cookie_value(const CookieSpec& spec);

}  // namespace authd::http
