// api/token_response.h
//
// The JSON objects several endpoints share: User and TokenResponse
// (contract section 2), and the cookies of cookie mode.
#pragma once

#include "accounts/user_store.h"
#include "api/services.h"
#include "core/secret.h"
#include "http/request.h"
#include "http/response.h"
#include "json/writer.h"
#include "sessions/session_store.h"

namespace authd::api {

void write_user(json::Writer& w, const accounts::User& user);
std::string user_json(const accounts::User& user);

// 200 TokenResponse with fresh access and id tokens for `session` (the
// access token carries the user's groups as they are now: one query); with
// `set_cookie`, also the access cookie (Domain from config unless the
// request's host is an IP address) and the host-only refresh cookie, which
// lives as long as the session; cookies for a request that is not
// secure_for_cookies() are logged as a warning (the browser drops them).
http::Response token_response(Services& services, const accounts::User& user,
                              const sessions::Session& session, const Secret& refresh_token,
                              bool set_cookie, const http::Request& request);

// {"message": ...}
http::Response message_response(int status, std::string_view message);

// Set-Cookie headers that delete both cookies.
void clear_cookies(http::Response& response);

// True when a browser keeps a Secure cookie from this request: it came over
// HTTPS (nginx's REQUEST_SCHEME or HTTPS param), or to a loopback host.
bool secure_for_cookies(const http::Request& request);

}  // namespace authd::api
