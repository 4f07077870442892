// cognito/auth_ops.cpp
//
// Signing in and out: InitiateAuth (USER_PASSWORD_AUTH, and
// REFRESH_TOKEN_AUTH / REFRESH_TOKEN), GlobalSignOut, RevokeToken.  The
// password step is login::password_login, the one the REST login and the
// login page run (lockout, timing equalisation, audit, the MFA challenge);
// a refresh is api::rotate_refresh, POST /auth/refresh's; GlobalSignOut is
// POST /auth/logout with allDevices.  Only the words differ.
#include <variant>

#include "accounts/user_store.h"
#include "api/audit_origin.h"
#include "api/limits.h"
#include "api/login_api.h"
#include "audit/audit.h"
#include "cognito/app_client.h"
#include "cognito/auth_result.h"
#include "cognito/operation.h"
#include "cognito/rest_bridge.h"
#include "core/overloaded.h"
#include "crypto/digest.h"
#include "forms/requests.h"
#include "json/writer.h"
#include "login/outcome_metrics.h"
#include "login/password_login.h"

namespace authd::cognito {
namespace {

Unexpected<AwsError> internal(const Error& error) {
    return Unexpected{AwsError{"InternalErrorException", "Internal error", 500, error.detail}};
}

Unexpected<AwsError> wrong_credentials(std::string reason) {
    return aws_refuse("NotAuthorizedException", "Incorrect username or password.",
                      std::move(reason));
}

std::string param(const std::map<std::string, std::string>& params, const char* name) {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
}

OpResult password_auth(const OpCall& call, const std::map<std::string, std::string>& params) {
    api::Services& s = call.services;
    // The REST login's per-IP limit, counted the same way.
    if (auto limited = api::over_limit_before_body(s, api::LimitKind::login, call.request)) {
        return Unexpected{aws_error_of(*limited)};
    }
    const std::string username = param(params, "USERNAME");
    auto email = email_of_username(s, username);
    if (!email) return Unexpected{email.error()};
    // The REST login's form: the same checks of the email and password.
    json::Writer w;
    w.begin_object();
    w.key("email").string(*email);
    w.key("password").string(param(params, "PASSWORD"));
    w.end_object();
    auto body = json::parse_object(std::move(w).str());
    if (!body) return internal(body.error());
    auto form = forms::parse_login(body->root());
    if (!form) return wrong_credentials("malformed_credentials");

    login::Context ctx = s.login_context();
    auto tx = db::Transaction::begin(s.db);
    if (!tx) return internal(tx.error());
    // Sessions of this door live as long as a rememberMe one: Cognito's
    // refresh tokens last 30 days by default.
    auto outcome = login::password_login(ctx, *tx, {form->email, form->password, true, false},
                                         api::audit_origin(call.request));
    if (!outcome) return internal(outcome.error());
    if (auto r = tx->commit(); !r) return internal(r.error());
    login::count_outcome(*outcome);
    return std::visit(
        Overloaded{
            [&](const login::Locked&) -> OpResult {
                return aws_refuse("NotAuthorizedException", "Password attempts exceeded",
                                  "account_locked");
            },
            [&](const login::BadCredentials& b) -> OpResult { return wrong_credentials(b.reason); },
            [&](const login::EmailNotVerified&) -> OpResult {
                return aws_refuse("UserNotConfirmedException", "User is not confirmed.",
                                  "email_not_verified");
            },
            [&](const login::AccountDisabled&) -> OpResult {
                return aws_refuse("NotAuthorizedException", "User is disabled.",
                                  "account_disabled");
            },
            [&](const login::PasswordResetRequired&) -> OpResult {
                return aws_refuse("PasswordResetRequiredException",
                                  "Password reset required for the user",
                                  "password_reset_required");
            },
            [&](const login::SecondFactorNeeded& n) -> OpResult {
                return mfa_challenge_result(n.challenge, username);
            },
            [&](const login::SignedIn& in) -> OpResult {
                return authentication_result(s, in.user, in.issued.session,
                                             in.issued.refresh_token);
            },
        },
        *outcome);
}

OpResult refresh_auth(const OpCall& call, const std::map<std::string, std::string>& params) {
    const std::string token = param(params, "REFRESH_TOKEN");
    if (token.empty()) {
        return aws_refuse("InvalidParameterException", "Missing required parameter REFRESH_TOKEN",
                          "missing_refresh_token");
    }
    auto rotated = api::rotate_refresh(call.services, token, call.request);
    if (!rotated) return Unexpected{aws_error_of(rotated.error())};
    OpResult r = authentication_result(call.services, rotated->user, rotated->rotation.session,
                                       rotated->rotation.refresh_token);
    if (r && rotated->rotation.in_grace) r->log_reason = "grace_window_reuse";
    return r;
}

}  // namespace

OpResult initiate_auth(const OpCall& call) {
    auto flow = required_string(call.body, "AuthFlow");
    if (!flow) return Unexpected{flow.error()};
    auto params = string_map(call.body, "AuthParameters");
    if (!params) return Unexpected{params.error()};
    auto client_id = required_string(call.body, "ClientId");
    if (!client_id) return Unexpected{client_id.error()};
    const std::optional<std::string> hash = params->contains("SECRET_HASH")
                                                ? std::optional(param(*params, "SECRET_HASH"))
                                                : std::nullopt;
    if (auto ok = check_client(call.services.config.cognito, *client_id, hash,
                               param(*params, "USERNAME"));
        !ok) {
        return Unexpected{ok.error()};
    }
    if (*flow == "USER_PASSWORD_AUTH") {
        if (param(*params, "USERNAME").empty() || param(*params, "PASSWORD").empty()) {
            return aws_refuse("InvalidParameterException",
                              "Missing required parameter USERNAME or PASSWORD",
                              "missing_credentials");
        }
        return password_auth(call, *params);
    }
    if (*flow == "REFRESH_TOKEN_AUTH" || *flow == "REFRESH_TOKEN")
        return refresh_auth(call, *params);
    if (*flow == "USER_SRP_AUTH" || *flow == "CUSTOM_AUTH" || *flow == "USER_AUTH" ||
        *flow == "ADMIN_NO_SRP_AUTH" || *flow == "ADMIN_USER_PASSWORD_AUTH") {
        return aws_refuse("InvalidParameterException", "Auth flow not enabled for this client",
                          "unsupported_flow");
    }
    return aws_refuse("InvalidParameterException",
                      "1 validation error detected: Value '" + *flow +
                          "' at 'authFlow' failed to satisfy constraint: Member must satisfy enum "
                          "value set",
                      "unknown_flow");
}

OpResult global_sign_out(const OpCall& call) {
    auto token = access_token(call.body);
    if (!token) return Unexpected{token.error()};
    api::Answer answer =
        run_rest(call.services, call.request, {api::logout, "{\"allDevices\":true}", *token});
    if (!answer) return Unexpected{aws_error_of(answer.error())};
    return aws_ok("{}");
}

OpResult revoke_token(const OpCall& call) {
    api::Services& s = call.services;
    auto token = required_string(call.body, "Token");
    if (!token) return Unexpected{token.error()};
    auto client_id = required_string(call.body, "ClientId");
    if (!client_id) return Unexpected{client_id.error()};
    if (*client_id != s.config.cognito.client_id) {
        return aws_refuse("ResourceNotFoundException",
                          "User pool client " + *client_id + " does not exist.",
                          "unknown_client_id");
    }
    if (!s.config.cognito.client_secret.empty()) {
        auto secret = optional_string(call.body, "ClientSecret");
        if (!secret) return Unexpected{secret.error()};
        if (!*secret ||
            !crypto::equal_constant_time(s.config.cognito.client_secret.reveal(), **secret)) {
            return aws_refuse("NotAuthorizedException", "Client secret is wrong or missing",
                              "client_secret_wrong");
        }
    }
    // An unknown or dead token answers as a revoked one does: revoking
    // tells nothing about the token.
    auto sid = sessions::session_of_refresh_token(s.db, *token);
    if (!sid) return internal(sid.error());
    if (!*sid) return aws_ok("{}");
    auto session = sessions::find_session(s.db, **sid);
    if (!session) return internal(session.error());
    if (!*session) return aws_ok("{}");
    const std::string user_id = (*session)->user_id;
    auto tx = db::Transaction::begin(s.db);
    if (!tx) return internal(tx.error());
    // The account's row before its sessions (accounts/user_store.h).
    if (auto user = accounts::lock_user(*tx, user_id); !user) return internal(user.error());
    auto revoked = sessions::revoke_session(*tx, **sid, user_id, "logout");
    if (!revoked) return internal(revoked.error());
    if (*revoked) {
        if (auto r = audit::record(s.db, "logout", user_id, api::audit_origin(call.request),
                                   audit::session_detail(**sid));
            !r) {
            return internal(r.error());
        }
    }
    if (auto r = tx->commit(); !r) return internal(r.error());
    return aws_ok("{}");
}

}  // namespace authd::cognito
