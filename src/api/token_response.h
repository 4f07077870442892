// api/token_response.h
//
// TokenResponse (contract section 2): fresh access and id tokens for a
// session, with the user's groups read at every mint, and in cookie mode
// the cookies too (api/session_cookies.h).
#pragma once

#include <optional>
#include <string>

#include "accounts/user_store.h"
#include "api/call.h"
#include "api/services.h"
#include "core/secret.h"
#include "http/request.h"
#include "http/response.h"
#include "sessions/session_store.h"
#include "sessions/token.h"

namespace authd::api {

struct MintedTokens {
    std::string access;
    std::string id;
};

// The access and id tokens of a session; `cognito` adds Cognito's claims
// (the Cognito door's tokens, sessions/token.h).
Result<MintedTokens, http::ApiError> mint_tokens(
    Services& services, const accounts::User& user, const sessions::Session& session,
    const std::optional<sessions::TokenSubject::Cognito>& cognito = std::nullopt);

Answer token_response(Services& services, const accounts::User& user,
                      const sessions::Session& session, const Secret& refresh_token,
                      bool set_cookie, const http::Request& request);

}  // namespace authd::api
