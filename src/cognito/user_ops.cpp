// cognito/user_ops.cpp
//
// The signed-in user, named by the AccessToken in the body and checked as
// a Bearer token is (api::authenticate): GetUser, UpdateUserAttributes,
// ChangePassword, DeleteUser.  Updating and changing the password are
// PUT /users/profile and POST /auth/password/change through the bridge.
// Cognito's attributes map onto authd's user: sub (the user id), email,
// email_verified, given_name, family_name, name; email cannot change
// (contract section 9).
#include "accounts/user_store.h"
#include "api/account_api.h"
#include "api/audit_origin.h"
#include "api/password_api.h"
#include "cognito/operation.h"
#include "cognito/rest_bridge.h"
#include "json/writer.h"

namespace authd::cognito {
namespace {

Unexpected<AwsError> internal(const Error& error) {
    return Unexpected{AwsError{"InternalErrorException", "Internal error", 500, error.detail}};
}

void attribute(json::Writer& w, std::string_view name, std::string_view value) {
    w.begin_object();
    w.key("Name").string(name);
    w.key("Value").string(value);
    w.end_object();
}

}  // namespace

OpResult get_user(const OpCall& call) {
    auto token = access_token(call.body);
    if (!token) return Unexpected{token.error()};
    auto caller = caller_of(call.services, call.request, *token);
    if (!caller) return Unexpected{caller.error()};
    auto found = accounts::find_user_by_id(call.services.db, caller->claims.user_id);
    if (!found) return internal(found.error());
    if (!*found) return aws_refuse("UserNotFoundException", "User does not exist.", "user_gone");
    const accounts::User& u = **found;
    json::Writer w;
    w.begin_object();
    w.key("Username").string(u.id);
    w.key("UserAttributes").begin_array();
    attribute(w, "sub", u.id);
    attribute(w, "email", u.email);
    attribute(w, "email_verified", u.email_verified ? "true" : "false");
    attribute(w, "given_name", u.first_name);
    attribute(w, "family_name", u.last_name);
    attribute(w, "name", u.first_name + " " + u.last_name);
    w.end_array();
    w.key("UserMFASettingList").begin_array();
    if (u.mfa_enabled) w.string("SOFTWARE_TOKEN_MFA");
    w.end_array();
    if (u.mfa_enabled) w.key("PreferredMfaSetting").string("SOFTWARE_TOKEN_MFA");
    w.end_object();
    return aws_ok(std::move(w).str());
}

OpResult update_user_attributes(const OpCall& call) {
    auto token = access_token(call.body);
    if (!token) return Unexpected{token.error()};
    auto attrs = attribute_list(call.body, "UserAttributes");
    if (!attrs) return Unexpected{attrs.error()};
    json::Writer w;
    w.begin_object();
    for (const auto& [name, value] : *attrs) {
        if (name == "given_name") {
            w.key("firstName").string(value);
        } else if (name == "family_name") {
            w.key("lastName").string(value);
        } else if (name == "name" && !attrs->contains("given_name") &&
                   !attrs->contains("family_name") && value.rfind(' ') != std::string::npos) {
            w.key("firstName").string(value.substr(0, value.rfind(' ')));
            w.key("lastName").string(value.substr(value.rfind(' ') + 1));
        } else if (name != "name") {
            return aws_refuse("InvalidParameterException",
                              "Attribute " + name + " cannot be changed", "attribute_" + name);
        }
    }
    w.end_object();
    api::Answer answer =
        run_rest(call.services, call.request, {api::update_profile, std::move(w).str(), *token});
    if (!answer) return Unexpected{aws_error_of(answer.error())};
    return aws_ok("{\"CodeDeliveryDetailsList\":[]}");
}

OpResult change_password(const OpCall& call) {
    auto token = access_token(call.body);
    if (!token) return Unexpected{token.error()};
    auto previous = required_string(call.body, "PreviousPassword");
    if (!previous) return Unexpected{previous.error()};
    auto proposed = required_string(call.body, "ProposedPassword");
    if (!proposed) return Unexpected{proposed.error()};
    json::Writer w;
    w.begin_object();
    w.key("currentPassword").string(*previous);
    w.key("newPassword").string(*proposed);
    w.end_object();
    api::Answer answer =
        run_rest(call.services, call.request,
                 {api::change_password, std::move(w).str(), *token, api::LimitKind::recheck});
    if (!answer) return Unexpected{aws_error_of(answer.error(), "LimitExceededException")};
    return aws_ok("{}");
}

OpResult delete_user(const OpCall& call) {
    api::Services& s = call.services;
    auto token = access_token(call.body);
    if (!token) return Unexpected{token.error()};
    auto caller = caller_of(s, call.request, *token);
    if (!caller) return Unexpected{caller.error()};
    auto tx = api::begin_as_caller(s, *caller);
    if (!tx) return Unexpected{aws_error_of(tx.error())};
    if (auto r =
            api::delete_account(s, *tx, caller->claims.user_id, api::audit_origin(call.request));
        !r) {
        return internal(r.error());
    }
    if (auto r = tx->commit(); !r) return internal(r.error());
    return aws_ok("{}");
}

}  // namespace authd::cognito
