// cognito/auth_result.cpp
#include "cognito/auth_result.h"

#include "api/token_response.h"
#include "json/writer.h"

namespace authd::cognito {

OpResult authentication_result(api::Services& s, const accounts::User& user,
                               const sessions::Session& session, const Secret& refresh_token) {
    // The username of a pool that signs in by email is the user id, which
    // is also the sub.
    auto minted = api::mint_tokens(
        s, user, session,
        sessions::TokenSubject::Cognito{s.config.cognito.client_id, user.id, session.id});
    if (!minted) return Unexpected{aws_error_of(minted.error())};
    json::Writer w;
    w.begin_object();
    w.key("AuthenticationResult").begin_object();
    w.key("AccessToken").string(minted->access);
    w.key("ExpiresIn").number(s.config.tokens.access_ttl);
    w.key("TokenType").string("Bearer");
    w.key("RefreshToken").string(refresh_token.reveal());
    w.key("IdToken").string(minted->id);
    w.end_object();
    w.key("ChallengeParameters").begin_object().end_object();
    w.end_object();
    return aws_ok(std::move(w).str());
}

OpResult mfa_challenge_result(const Secret& session, std::string_view user_id) {
    json::Writer w;
    w.begin_object();
    w.key("ChallengeName").string("SOFTWARE_TOKEN_MFA");
    w.key("Session").string(session.reveal());
    w.key("ChallengeParameters").begin_object();
    w.key("USER_ID_FOR_SRP").string(user_id);
    w.end_object();
    w.end_object();
    return aws_ok(std::move(w).str());
}

}  // namespace authd::cognito
