// cognito/mfa_ops.cpp
//
// Two-factor authentication through the Cognito door: AssociateSoftwareToken,
// VerifySoftwareToken, SetUserMFAPreference, and RespondToAuthChallenge
// (SOFTWARE_TOKEN_MFA), the code step after InitiateAuth answered the
// challenge.  The rules are the REST door's: enrolment is
// api::start_mfa_setup and POST /auth/mfa/verify-setup (turning 2FA on ends
// the user's other sessions), the code step login::second_factor_login
// (the challenge checked before the code, a wrong code counted toward the
// lockout, TOTP steps used once).
//
// Cognito's AssociateSoftwareToken takes the access token alone where the
// REST door asks for the password again, so that a stolen access token
// cannot enrol the thief's authenticator.  Here the session's own sign-in
// must be recent instead (its auth_time within [mfa] challenge_ttl): the
// password was proven minutes ago, in this session.  Turning 2FA off needs
// the password and a code, which Cognito's SetUserMFAPreference does not
// carry: that stays POST /auth/mfa/disable's.
#include <variant>

#include "accounts/user_store.h"
#include "api/audit_origin.h"
#include "api/auth.h"
#include "api/limits.h"
#include "api/mfa_api.h"
#include "cognito/app_client.h"
#include "cognito/auth_result.h"
#include "cognito/operation.h"
#include "cognito/rest_bridge.h"
#include "core/clock.h"
#include "core/overloaded.h"
#include "json/writer.h"
#include "login/outcome_metrics.h"
#include "login/second_factor.h"

namespace authd::cognito {
namespace {

Unexpected<AwsError> internal(const Error& error) {
    return Unexpected{AwsError{"InternalErrorException", "Internal error", 500, error.detail}};
}

std::string param(const std::map<std::string, std::string>& params, const char* name) {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
}

}  // namespace

OpResult associate_software_token(const OpCall& call) {
    api::Services& s = call.services;
    auto token = access_token(call.body);
    if (!token) return Unexpected{token.error()};
    auto caller = caller_of(s, call.request, *token);
    if (!caller) return Unexpected{caller.error()};
    const std::string& user_id = caller->claims.user_id;
    // POST /auth/mfa/setup's per-user limit.
    if (auto limited = api::over_limit(s, api::LimitKind::mfa_setup, user_id)) {
        return Unexpected{aws_error_of(*limited, "LimitExceededException")};
    }
    auto user = accounts::find_user_by_id(s.db, user_id);
    if (!user) return internal(user.error());
    if (!*user) return aws_refuse("UserNotFoundException", "User does not exist.", "user_gone");
    if ((*user)->mfa_enabled) {
        return aws_refuse("InvalidParameterException",
                          "Software token MFA is already enabled for this user",
                          "mfa_already_enabled");
    }
    if (caller->session.auth_time < unix_now() - s.config.mfa.challenge_ttl) {
        return aws_refuse("NotAuthorizedException",
                          "Sign in again with the password to set up a software token",
                          "sign_in_not_recent");
    }
    auto tx = api::begin_as_caller(s, *caller);
    if (!tx) return Unexpected{aws_error_of(tx.error())};
    auto pending = api::start_mfa_setup(s, *tx, **user, api::audit_origin(call.request));
    if (!pending) return internal(pending.error());
    if (auto r = tx->commit(); !r) return internal(r.error());
    json::Writer w;
    w.begin_object();
    w.key("SecretCode").string(pending->secret_base32);
    w.end_object();
    return aws_ok(std::move(w).str());
}

OpResult verify_software_token(const OpCall& call) {
    auto token = access_token(call.body);
    if (!token) return Unexpected{token.error()};
    auto code = required_string(call.body, "UserCode");
    if (!code) return Unexpected{code.error()};
    json::Writer w;
    w.begin_object();
    w.key("code").string(*code);
    w.end_object();
    api::Answer answer =
        run_rest(call.services, call.request, {api::verify_mfa_setup, std::move(w).str(), *token});
    if (!answer) {
        const http::ApiError& e = answer.error();
        if (e.code == "INVALID_MFA_CODE" ||
            (e.code == "VALIDATION_ERROR" && e.fields.contains("code"))) {
            return aws_refuse("EnableSoftwareTokenMFAException", "Code mismatch", "wrong_mfa_code");
        }
        if (e.code == "MFA_NOT_PENDING") {
            return aws_refuse("SoftwareTokenMFANotFoundException",
                              "Software Token MFA mapping does not exist for user",
                              "mfa_not_pending");
        }
        return Unexpected{aws_error_of(e)};
    }
    return aws_ok("{\"Status\":\"SUCCESS\"}");
}

OpResult set_user_mfa_preference(const OpCall& call) {
    api::Services& s = call.services;
    auto token = access_token(call.body);
    if (!token) return Unexpected{token.error()};
    auto caller = caller_of(s, call.request, *token);
    if (!caller) return Unexpected{caller.error()};
    auto settings = call.body.find_object("SoftwareTokenMfaSettings");
    if (!settings) {
        return aws_refuse("SerializationException", "SoftwareTokenMfaSettings must be an object",
                          "wrong_type");
    }
    auto user = accounts::find_user_by_id(s.db, caller->claims.user_id);
    if (!user) return internal(user.error());
    if (!*user) return aws_refuse("UserNotFoundException", "User does not exist.", "user_gone");
    if (!*settings) return aws_ok("{}");  // SMS and e-mail MFA: authd has none to change
    auto enabled = (*settings)->find_bool("Enabled");
    if (!enabled) {
        return aws_refuse("SerializationException", "Enabled must be a boolean", "wrong_type");
    }
    // 2FA is on exactly when a software token was verified; preferring it
    // changes nothing more.
    if (enabled->value_or(false) && !(*user)->mfa_enabled) {
        return aws_refuse("InvalidParameterException", "User has not verified software token mfa",
                          "mfa_not_enabled");
    }
    if (!enabled->value_or(true) && (*user)->mfa_enabled) {
        return aws_refuse("InvalidParameterException",
                          "Turning software token MFA off needs the password and a code: "
                          "POST /auth/mfa/disable",
                          "mfa_disable_not_here");
    }
    return aws_ok("{}");
}

OpResult respond_to_auth_challenge(const OpCall& call) {
    api::Services& s = call.services;
    auto name = required_string(call.body, "ChallengeName");
    if (!name) return Unexpected{name.error()};
    auto client_id = required_string(call.body, "ClientId");
    if (!client_id) return Unexpected{client_id.error()};
    auto responses = string_map(call.body, "ChallengeResponses");
    if (!responses) return Unexpected{responses.error()};
    const std::optional<std::string> hash = responses->contains("SECRET_HASH")
                                                ? std::optional(param(*responses, "SECRET_HASH"))
                                                : std::nullopt;
    if (auto ok = check_client(s.config.cognito, *client_id, hash, param(*responses, "USERNAME"));
        !ok) {
        return Unexpected{ok.error()};
    }
    if (*name != "SOFTWARE_TOKEN_MFA") {
        return aws_refuse("InvalidParameterException", "Challenge " + *name + " is not supported",
                          "unsupported_challenge");
    }
    auto session = required_string(call.body, "Session");
    if (!session) return Unexpected{session.error()};
    const std::string code = param(*responses, "SOFTWARE_TOKEN_MFA_CODE");
    if (code.empty()) {
        return aws_refuse("InvalidParameterException",
                          "Missing required parameter SOFTWARE_TOKEN_MFA_CODE", "missing_code");
    }
    // POST /auth/mfa/verify's per-IP limit.
    if (auto limited = api::over_limit_before_body(s, api::LimitKind::mfa_verify, call.request)) {
        return Unexpected{aws_error_of(*limited)};
    }
    login::Context ctx = s.login_context();
    auto tx = db::Transaction::begin(s.db);
    if (!tx) return internal(tx.error());
    auto outcome =
        login::second_factor_login(ctx, *tx, *session, code, api::audit_origin(call.request));
    if (!outcome) return internal(outcome.error());
    if (auto r = tx->commit(); !r) return internal(r.error());
    login::count_outcome(*outcome);
    return std::visit(
        Overloaded{
            [&](const login::ChallengeDead& d) -> OpResult {
                return aws_refuse("NotAuthorizedException",
                                  "Invalid session for the user, session is expired.", d.reason);
            },
            [&](const login::Locked&) -> OpResult {
                return aws_refuse("NotAuthorizedException", "Password attempts exceeded",
                                  "account_locked");
            },
            [&](const login::AccountDisabled&) -> OpResult {
                return aws_refuse("NotAuthorizedException", "User is disabled.",
                                  "account_disabled");
            },
            [&](const login::WrongCode&) -> OpResult {
                return aws_refuse("CodeMismatchException", "Invalid code received for user",
                                  "wrong_mfa_code");
            },
            [&](const login::SignedInWithSecondFactor& in) -> OpResult {
                return authentication_result(s, in.signed_in.user, in.signed_in.issued.session,
                                             in.signed_in.issued.refresh_token);
            },
        },
        *outcome);
}

}  // namespace authd::cognito
