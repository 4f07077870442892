// cognito/door.cpp
//
// The dispatcher of the Cognito door: the operation named by X-Amz-Target,
// the body parsed as the JSON object AWS JSON 1.1 sends, then the
// operation; every answer in AWS's shape (cognito/aws_json.h).  The
// operations are cognito/operation.h's; each one counts the rate limit of
// the REST endpoint it shares a use case with, so the two doors share
// every counter.
#include "cognito/door.h"

#include <algorithm>
#include <iterator>

#include "api/wellknown_api.h"
#include "cognito/operation.h"
#include "cognito/signature_store.h"
#include "cognito/sigv4.h"
#include "core/ascii.h"
#include "core/clock.h"

namespace authd::cognito {
namespace {

constexpr std::string_view kTargetPrefix = "AWSCognitoIdentityProviderService.";

struct Entry {
    std::string_view name;
    Operation op;
    bool admin = false;  // signed with SigV4 by a configured access key
};

const Entry kOperations[] = {
    {"SignUp", sign_up},
    {"ConfirmSignUp", confirm_sign_up},
    {"ResendConfirmationCode", resend_confirmation_code},
    {"ForgotPassword", forgot_password},
    {"ConfirmForgotPassword", confirm_forgot_password},
    {"InitiateAuth", initiate_auth},
    {"GlobalSignOut", global_sign_out},
    {"RevokeToken", revoke_token},
    {"GetUser", get_user},
    {"UpdateUserAttributes", update_user_attributes},
    {"ChangePassword", change_password},
    {"DeleteUser", delete_user},
    {"AssociateSoftwareToken", associate_software_token},
    {"VerifySoftwareToken", verify_software_token},
    {"SetUserMFAPreference", set_user_mfa_preference},
    {"RespondToAuthChallenge", respond_to_auth_challenge},
    {"AdminGetUser", admin_get_user, true},
    {"AdminCreateUser", admin_create_user, true},
    {"AdminDeleteUser", admin_delete_user, true},
    {"AdminConfirmSignUp", admin_confirm_sign_up, true},
    {"AdminSetUserPassword", admin_set_user_password, true},
    {"AdminDisableUser", admin_disable_user, true},
    {"AdminEnableUser", admin_enable_user, true},
    {"AdminUserGlobalSignOut", admin_user_global_sign_out, true},
    {"AdminResetUserPassword", admin_reset_user_password, true},
    {"ListUsers", list_users, true},
};

const Entry* find_operation(std::string_view target) {
    if (!target.starts_with(kTargetPrefix)) return nullptr;
    target.remove_prefix(kTargetPrefix.size());
    auto it = std::find_if(std::begin(kOperations), std::end(kOperations),
                           [&](const Entry& e) { return e.name == target; });
    return it == std::end(kOperations) ? nullptr : &*it;
}

// An admin operation's proof: a SigV4 signature by a configured access
// key, dated within the window, not seen before (on any host).
Result<void, AwsError> check_admin_signature(api::Services& s, const http::Request& req) {
    auto keys = parse_access_keys(s.config.cognito.admin_keys.reveal());
    if (!keys)
        return aws_refuse("UnrecognizedClientException",
                          "The security token included in the request is invalid.",
                          "admin_keys_malformed");
    auto verified = verify_sigv4(req, *keys, unix_now());
    if (!verified) return Unexpected{verified.error()};
    auto first = first_use_of_signature(s.db, verified->signature, static_cast<int>(kMaxSkew));
    if (!first) {
        return Unexpected{
            AwsError{"InternalErrorException", "Internal error", 500, first.error().detail}};
    }
    if (!*first) {
        return aws_refuse("InvalidSignatureException", "Signature has already been used",
                          "sigv4_replayed");
    }
    return {};
}

bool is_aws_json(std::string_view content_type) {
    std::string_view type = content_type.substr(0, content_type.find(';'));
    while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
    return ascii_iequals(type, "application/x-amz-json-1.1") ||
           ascii_iequals(type, "application/x-amz-json-1.0") ||
           ascii_iequals(type, "application/json");
}

api::Answer closed() { return api::refuse({404, "NOT_FOUND", "no such resource"}); }

}  // namespace

api::Answer serve(api::Services& s, const api::Call& call) {
    if (s.config.cognito.client_id.empty()) return closed();
    const http::Request& req = call.request;
    const std::string* target = req.header("x-amz-target");
    const Entry* entry = target ? find_operation(*target) : nullptr;
    if (!entry) {
        // AWS's answer to an operation it does not know: 400 and only the
        // type (no message), whatever the body.
        AwsError unknown{"UnknownOperationException", {}, 400, "unknown_operation"};
        http::Response r = aws_error_response(unknown, req.request_id);
        r.body = "{\"__type\":\"UnknownOperationException\"}";
        return r;
    }
    if (!req.body.empty() && !is_aws_json(req.content_type)) {
        return aws_error_response(
            {"SerializationException", "Content-Type must be application/x-amz-json-1.1", 400,
             "wrong_content_type"},
            req.request_id);
    }
    auto body = json::parse_object(req.body.empty() ? std::string_view("{}") : req.body);
    if (!body) {
        return aws_error_response({"SerializationException", "Request body is not a JSON object",
                                   400, body.error().detail},
                                  req.request_id);
    }
    if (entry->admin) {
        if (auto signed_ok = check_admin_signature(s, req); !signed_ok) {
            return aws_error_response(signed_ok.error(), req.request_id);
        }
    }
    OpResult result = entry->op(OpCall{s, req, body->root()});
    if (!result) return aws_error_response(result.error(), req.request_id);
    result->add_header("x-amzn-RequestId", req.request_id);
    return std::move(*result);
}

namespace {

bool is_the_pool(const api::Services& s, const api::Call& call) {
    return !s.config.cognito.user_pool_id.empty() &&
           call.path_param == s.config.cognito.user_pool_id;
}

}  // namespace

api::Answer pool_jwks(api::Services& s, const api::Call& call) {
    return is_the_pool(s, call) ? api::get_jwks(s, call) : closed();
}

api::Answer pool_openid_configuration(api::Services& s, const api::Call& call) {
    return is_the_pool(s, call) ? api::openid_configuration_of(s, s.config.tokens.pool_issuer)
                                : closed();
}

}  // namespace authd::cognito
