// api/token_response.cpp
#include "api/token_response.h"

#include <algorithm>

#include "accounts/groups.h"
#include "api/auth.h"
#include "core/log.h"
#include "core/origin.h"
#include "http/cookie.h"

namespace authd::api {

void write_user(json::Writer& w, const accounts::User& u) {
    w.begin_object();
    w.key("userId").string(u.id);
    w.key("email").string(u.email);
    w.key("firstName").string(u.first_name);
    w.key("lastName").string(u.last_name);
    w.key("emailVerified").boolean(u.email_verified);
    w.key("mfaEnabled").boolean(u.mfa_enabled);
    w.key("createdAt").string(u.created_at);
    w.key("updatedAt").string(u.updated_at);
    w.key("lastLoginAt");
    if (u.last_login_at) {
        w.string(*u.last_login_at);
    } else {
        w.null();
    }
    w.end_object();
}

std::string user_json(const accounts::User& user) {
    json::Writer w;
    write_user(w, user);
    return std::move(w).str();
}

namespace {

// True for an IPv4 literal or a bracketed IPv6 one, with or without port.
bool host_is_ip(std::string_view host) {
    if (!host.empty() && host.front() == '[') return true;
    host = host.substr(0, host.find(':'));
    return !host.empty() && host.find_first_not_of("0123456789.") == std::string_view::npos;
}

}  // namespace

http::Response token_response(Services& services, const accounts::User& user,
                              const sessions::Session& session, const Secret& refresh_token,
                              bool set_cookie, const http::Request& request) {
    const std::string& request_id = request.request_id;
    sessions::TokenSubject subject{user.id,        user.email,          user.first_name,
                                   user.last_name, user.email_verified, session.id,
                                   session.amr,    session.auth_time};
    subject.session_expires = session.expires_unix;
    // Read at every mint (login, mfa/verify, refresh), so a change of groups
    // reaches the user's tokens at the next refresh, within access_ttl.
    // Outside the caller's transaction, like the refresh's user lookup: if
    // it fails, a refresh can be retried with the same token within the
    // grace window.
    auto groups = accounts::groups_of(services.db, user.id);
    if (!groups) return http::from_error(groups.error(), request_id);
    subject.groups = std::move(*groups);
    const int64_t now = unix_now();
    auto access = sessions::mint_access_token(services.keys, services.config.tokens, subject, now);
    auto id = sessions::mint_id_token(services.keys, services.config.tokens, subject, now);
    if (!access) return http::from_error(access.error(), request_id);
    if (!id) return http::from_error(id.error(), request_id);

    json::Writer w;
    w.begin_object();
    w.key("accessToken").string(*access);
    w.key("idToken").string(*id);
    w.key("refreshToken").string(refresh_token.reveal());
    w.key("tokenType").string("Bearer");
    w.key("expiresIn").number(services.config.tokens.access_ttl);
    w.key("user");
    write_user(w, user);
    w.end_object();
    http::Response r = http::json_response(200, std::move(w).str());
    if (set_cookie) {
        const std::string* host = request.header("host");
        const std::string& domain = services.config.http.cookie_domain;
        const bool with_domain = !domain.empty() && !(host && host_is_ip(*host));
        r.add_header("Set-Cookie",
                     http::set_cookie_value({.name = http::kAccessCookie,
                                             .value = *access,
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
    return r;
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

http::Response message_response(int status, std::string_view message) {
    json::Writer w;
    w.begin_object();
    w.key("message").string(message);
    w.end_object();
    return http::json_response(status, std::move(w).str());
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

}  // namespace authd::api
