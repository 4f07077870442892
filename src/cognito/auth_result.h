// cognito/auth_result.h
//
// What a Cognito sign-in answers: AuthenticationResult with tokens that
// carry Cognito's claims (sessions/token.h) on authd's session, so the
// REST API and the validator take them like any other.  The refresh token
// is always returned, a refresh included: authd rotates it on every use
// (contract section 5), as a Cognito pool with refresh-token rotation does.
#pragma once

#include "accounts/user_store.h"
#include "api/services.h"
#include "cognito/aws_json.h"
#include "core/secret.h"
#include "sessions/session_store.h"

namespace authd::cognito {

OpResult authentication_result(api::Services& services, const accounts::User& user,
                               const sessions::Session& session, const Secret& refresh_token);

// {"ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": ..., "ChallengeParameters": {...}}
OpResult mfa_challenge_result(const Secret& session, std::string_view user_id);

}  // namespace authd::cognito
