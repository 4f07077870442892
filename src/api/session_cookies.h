// api/session_cookies.h
//
// The cookies of cookie mode (contract section 5): the access cookie
// (Domain from config unless the request's host is an IP address) and the
// host-only refresh cookie, which lives as long as the session; clearing
// both; and whether a browser will keep them at all.
#pragma once

#include <string_view>

#include "api/services.h"
#include "core/secret.h"
#include "http/request.h"
#include "http/response.h"
#include "sessions/session_store.h"

namespace authd::api {

// Adds both Set-Cookie headers; a request that is not secure_for_cookies()
// is logged as a warning (the browser drops them).
void set_session_cookies(http::Response& response, Services& services,
                         std::string_view access_token, const Secret& refresh_token,
                         const sessions::Session& session, const http::Request& request);

// Set-Cookie headers that delete both cookies.
void clear_cookies(http::Response& response);

// True when a browser keeps a Secure cookie from this request: it came over
// HTTPS (nginx's REQUEST_SCHEME or HTTPS param), or to a loopback host.
bool secure_for_cookies(const http::Request& request);

}  // namespace authd::api
