// api/token_response.cpp
#include "api/token_response.h"

#include "accounts/groups.h"
#include "api/auth.h"
#include "api/session_cookies.h"
#include "api/user_json.h"
#include "json/writer.h"

namespace authd::api {

Result<MintedTokens, http::ApiError> mint_tokens(
    Services& services, const accounts::User& user, const sessions::Session& session,
    const std::optional<sessions::TokenSubject::Cognito>& cognito) {
    sessions::TokenSubject subject{user.id,        user.email,          user.first_name,
                                   user.last_name, user.email_verified, session.id,
                                   session.amr,    session.auth_time};
    subject.session_expires = session.expires_unix;
    subject.cognito = cognito;
    // Read at every mint (login, mfa/verify, refresh), so a change of groups
    // reaches the user's tokens at the next refresh, within access_ttl.
    // Outside the caller's transaction, like the refresh's user lookup: if
    // it fails, a refresh can be retried with the same token within the
    // grace window.
    auto groups = accounts::groups_of(services.db, user.id);
    if (!groups) return failure(groups.error());
    subject.groups = std::move(*groups);
    const int64_t now = unix_now();
    auto access = sessions::mint_access_token(services.keys, services.config.tokens, subject, now);
    auto id = sessions::mint_id_token(services.keys, services.config.tokens, subject, now);
    if (!access) return failure(access.error());
    if (!id) return failure(id.error());
    return MintedTokens{std::move(*access), std::move(*id)};
}

Answer token_response(Services& services, const accounts::User& user,
                      const sessions::Session& session, const Secret& refresh_token,
                      bool set_cookie, const http::Request& request) {
    auto minted = mint_tokens(services, user, session);
    if (!minted) return Unexpected{minted.error()};
    const std::string& access = minted->access;
    json::Writer w;
    w.begin_object();
    w.key("accessToken").string(access);
    w.key("idToken").string(minted->id);
    w.key("refreshToken").string(refresh_token.reveal());
    w.key("tokenType").string("Bearer");
    w.key("expiresIn").number(services.config.tokens.access_ttl);
    w.key("user");
    write_user(w, user);
    w.end_object();
    http::Response r = http::json_response(200, std::move(w).str());
    if (set_cookie) set_session_cookies(r, services, access, refresh_token, session, request);
    return r;
}

}  // namespace authd::api
