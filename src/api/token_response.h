// api/token_response.h
//
// TokenResponse (contract section 2): fresh access and id tokens for a
// session, with the user's groups read at every mint, and in cookie mode
// the cookies too (api/session_cookies.h).
#pragma once

#include "accounts/user_store.h"
#include "api/call.h"
#include "api/services.h"
#include "core/secret.h"
#include "http/request.h"
#include "http/response.h"
#include "sessions/session_store.h"

namespace authd::api {

Answer token_response(Services& services, const accounts::User& user,
                      const sessions::Session& session, const Secret& refresh_token,
                      bool set_cookie, const http::Request& request);

}  // namespace authd::api
