// cognito/account_ops.cpp
//
// Sign-up and the emailed codes: SignUp, ConfirmSignUp,
// ResendConfirmationCode, ForgotPassword, ConfirmForgotPassword.  Each is
// its REST endpoint run through the bridge (cognito/rest_bridge.h), so the
// password policy, the pre-hijacking rule, the per-IP and per-email
// limits, the code's tries and the mail are the REST door's.  ForgotPassword
// and ResendConfirmationCode answer before the account is looked up, as
// their REST endpoints do: the masked destination is made from the
// username given, so the answer is the same whether the account exists.
#include "accounts/user_store.h"
#include "api/password_api.h"
#include "api/registration_api.h"
#include "cognito/app_client.h"
#include "cognito/operation.h"
#include "cognito/rest_bridge.h"
#include "json/writer.h"

namespace authd::cognito {
namespace {

// The REST answer, or its refusal in Cognito's words.
Result<http::Response, AwsError> through_rest(
    const OpCall& call, const RestCall& rest,
    std::string_view rate_limit_type = "TooManyRequestsException") {
    api::Answer answer = run_rest(call.services, call.request, rest);
    if (!answer) return Unexpected{aws_error_of(answer.error(), rate_limit_type)};
    return std::move(*answer);
}

// {"CodeDeliveryDetails": ...}, keeping the REST answer's after-response
// work (the lookup and the mail happen after the answer is sent).
http::Response code_sent(http::Response rest, std::string_view email) {
    http::Response r = aws_ok("{\"CodeDeliveryDetails\":" + code_delivery_json(email) + "}");
    r.after_response = std::move(rest.after_response);
    r.log_reason = std::move(rest.log_reason);
    return r;
}

std::string email_body(std::string_view email) {
    json::Writer w;
    w.begin_object();
    w.key("email").string(email);
    w.end_object();
    return std::move(w).str();
}

// given_name and family_name, or a `name` split at its last space.
std::pair<std::string, std::string> names_of(const std::map<std::string, std::string>& attrs) {
    auto get = [&](const char* k) {
        auto it = attrs.find(k);
        return it == attrs.end() ? std::string() : it->second;
    };
    std::string first = get("given_name");
    std::string last = get("family_name");
    const std::string name = get("name");
    if ((first.empty() || last.empty()) && !name.empty()) {
        const size_t space = name.rfind(' ');
        if (space != std::string::npos) {
            if (first.empty()) first = name.substr(0, space);
            if (last.empty()) last = name.substr(space + 1);
        }
    }
    return {first, last};
}

// The email `username` names, once the call's app client checks out
// (ClientId, SECRET_HASH): the first steps of every code operation here.
Result<std::string, AwsError> email_for(const OpCall& call, const std::string& username) {
    if (auto ok = check_client(call.services.config.cognito, call.body, username); !ok) {
        return Unexpected{ok.error()};
    }
    return email_of_username(call.services, username);
}

// The answer of a REST endpoint that takes an emailed code, in Cognito's
// words: {} on success; a code that is not six digits is a wrong code, as
// Cognito says, not a malformed request.
OpResult code_checked(const api::Answer& answer) {
    if (answer) return aws_ok("{}");
    if (answer.error().code == "VALIDATION_ERROR" && answer.error().fields.contains("code")) {
        return aws_refuse("CodeMismatchException",
                          "Invalid verification code provided, please try again.",
                          "malformed_code");
    }
    return Unexpected{aws_error_of(answer.error())};
}

// ResendConfirmationCode and ForgotPassword: the REST endpoint that mails
// a code to the Username's email, answered with the masked destination.
OpResult mail_a_code(const OpCall& call, api::Handler endpoint, api::LimitKind limit) {
    auto username = required_string(call.body, "Username");
    if (!username) return Unexpected{username.error()};
    auto email = email_for(call, *username);
    if (!email) return Unexpected{email.error()};
    auto rest =
        through_rest(call, {endpoint, email_body(*email), {}, limit}, "LimitExceededException");
    if (!rest) return Unexpected{rest.error()};
    return code_sent(std::move(*rest), *email);
}

}  // namespace

OpResult sign_up(const OpCall& call) {
    auto username = required_string(call.body, "Username");
    if (!username) return Unexpected{username.error()};
    auto password = required_string(call.body, "Password");
    if (!password) return Unexpected{password.error()};
    if (auto ok = check_client(call.services.config.cognito, call.body, *username); !ok) {
        return Unexpected{ok.error()};
    }
    auto attrs = attribute_list(call.body, "UserAttributes");
    if (!attrs) return Unexpected{attrs.error()};
    std::string email = *username;
    if (auto it = attrs->find("email"); it != attrs->end()) email = it->second;
    auto [first, last] = names_of(*attrs);
    for (auto [value, attr] : {std::pair{&first, "given_name"}, std::pair{&last, "family_name"}}) {
        if (value->empty()) {
            return aws_refuse("InvalidParameterException",
                              std::string("Attributes did not conform to the schema: ") + attr +
                                  ": The attribute is required",
                              std::string("missing_") + attr);
        }
    }
    json::Writer w;
    w.begin_object();
    w.key("email").string(email);
    w.key("password").string(*password);
    w.key("firstName").string(first);
    w.key("lastName").string(last);
    w.end_object();
    auto rest = through_rest(
        call, {api::register_account, std::move(w).str(), {}, api::LimitKind::register_account});
    if (!rest) return Unexpected{rest.error()};
    auto body = rest_body(*rest);
    if (!body) return Unexpected{body.error()};
    auto user = body->root().find_object("user");
    std::optional<std::string> sub;
    if (user && *user) {
        if (auto id = (*user)->find_string("userId"); id && *id) sub = **id;
    }
    if (!sub)
        return Unexpected{AwsError{"InternalErrorException", "Internal error", 500, "no_user_id"}};
    json::Writer out;
    out.begin_object();
    out.key("UserConfirmed").boolean(false);
    out.key("UserSub").string(*sub);
    out.key("CodeDeliveryDetails").json_text(code_delivery_json(email));
    out.end_object();
    return aws_ok(std::move(out).str());
}

OpResult confirm_sign_up(const OpCall& call) {
    auto username = required_string(call.body, "Username");
    if (!username) return Unexpected{username.error()};
    auto code = required_string(call.body, "ConfirmationCode");
    if (!code) return Unexpected{code.error()};
    auto email = email_for(call, *username);
    if (!email) return Unexpected{email.error()};
    json::Writer w;
    w.begin_object();
    w.key("email").string(*email);
    w.key("code").string(*code);
    w.end_object();
    return code_checked(
        run_rest(call.services, call.request,
                 {api::verify_email, std::move(w).str(), {}, api::LimitKind::verify_email}));
}

OpResult resend_confirmation_code(const OpCall& call) {
    return mail_a_code(call, api::resend_verification, api::LimitKind::resend_per_ip);
}

OpResult forgot_password(const OpCall& call) {
    return mail_a_code(call, api::forgot_password, api::LimitKind::forgot_per_ip);
}

OpResult confirm_forgot_password(const OpCall& call) {
    auto username = required_string(call.body, "Username");
    if (!username) return Unexpected{username.error()};
    auto code = required_string(call.body, "ConfirmationCode");
    if (!code) return Unexpected{code.error()};
    auto password = required_string(call.body, "Password");
    if (!password) return Unexpected{password.error()};
    auto email = email_for(call, *username);
    if (!email) return Unexpected{email.error()};
    json::Writer w;
    w.begin_object();
    w.key("email").string(*email);
    w.key("code").string(*code);
    w.key("newPassword").string(*password);
    w.end_object();
    return code_checked(
        run_rest(call.services, call.request,
                 {api::reset_password, std::move(w).str(), {}, api::LimitKind::reset_password}));
}

}  // namespace authd::cognito
