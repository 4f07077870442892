// api/login_api.h
//
// POST /auth/login, /auth/refresh, /auth/logout.
#pragma once

#include <string_view>

#include "accounts/user_store.h"
#include "api/call.h"
#include "sessions/session_store.h"

namespace authd::api {

Answer login(Services& services, const Call& call);
Answer refresh(Services& services, const Call& call);
Answer logout(Services& services, const Call& call);

// A refresh token's rotation (sessions::rotate_refresh_token) for an
// account that may still sign in: 401 INVALID_REFRESH_TOKEN for a dead,
// reused (the session is then revoked) or disabled one.  Shared by
// POST /auth/refresh and the Cognito door's REFRESH_TOKEN_AUTH.
struct Refreshed {
    accounts::User user;
    sessions::Rotation rotation;
};
Result<Refreshed, http::ApiError> rotate_refresh(Services& services, std::string_view token,
                                                 const http::Request& request);

}  // namespace authd::api
