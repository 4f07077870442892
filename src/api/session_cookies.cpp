// api/session_cookies.cpp
#include "api/session_cookies.h"

#include <algorithm>

#include "api/auth.h"
#include "core/log.h"
#include "core/origin.h"
#include "http/cookie.h"

namespace authd::api {
namespace {

// True for an IPv4 literal or a bracketed IPv6 one, with or without port.
bool host_is_ip(std::string_view host) {
    if (!host.empty() && host.front() == '[') return true;
    host = host.substr(0, host.find(':'));
    return !host.empty() && host.find_first_not_of("0123456789.") == std::string_view::npos;
}

}  // namespace

void set_session_cookies(http::Response& r, Services& services, std::string_view access_token,
                         const Secret& refresh_token, const sessions::Session& session,
                         const http::Request& request) {
    const std::string* host = request.header("host");
    const std::string& domain = services.config.http.cookie_domain;
    const bool with_domain = !domain.empty() && !(host && host_is_ip(*host));
    r.add_header("Set-Cookie",
                 http::set_cookie_value({.name = http::kAccessCookie,
                                         .value = access_token,
                                         .path = "/",
                                         .domain = with_domain ? domain : std::string_view(),
                                         .same_site = "Lax",
                                         .max_age = services.config.tokens.access_ttl}));
    const long session_left = std::max<long>(0, session.expires_unix - unix_now());
    r.add_header("Set-Cookie", http::set_cookie_value({.name = kRefreshCookie,
                                                       .value = refresh_token.reveal(),
                                                       .path = "/auth/refresh",
                                                       .same_site = "Strict",
                                                       .max_age = session_left}));
    if (!secure_for_cookies(request)) {
        log::warn("insecure_cookie_login")
            .str("reason",
                 "cookies sent over plain HTTP to a non-loopback host: browsers drop Secure "
                 "cookies there, serve the portal over HTTPS");
    }
}

void clear_cookies(http::Response& response) {
    response.add_header("Set-Cookie", http::set_cookie_value({.name = http::kAccessCookie,
                                                              .value = "",
                                                              .path = "/",
                                                              .same_site = "Lax",
                                                              .max_age = 0}));
    response.add_header("Set-Cookie", http::set_cookie_value({.name = kRefreshCookie,
                                                              .value = "",
                                                              .path = "/auth/refresh",
                                                              .same_site = "Strict",
                                                              .max_age = 0}));
}

bool secure_for_cookies(const http::Request& request) {
    const std::string* scheme = request.param("REQUEST_SCHEME");
    const std::string* https = request.param("HTTPS");
    if ((scheme && *scheme == "https") || (https && !https->empty() && *https != "off")) {
        return true;
    }
    const std::string* host = request.header("host");
    return host && is_loopback_host(*host);
}

}  // namespace authd::api
