// cognito/aws_json.cpp
//
// The one place the Cognito door's answers take their shape, and where a
// REST use case's refusal (http::ApiError, the contract's codes) becomes
// the exception Cognito raises for the same situation.
#include "cognito/aws_json.h"

#include "json/writer.h"

namespace authd::cognito {
namespace {

AwsError named(std::string type, std::string message, const http::ApiError& from) {
    AwsError e{std::move(type), std::move(message), 400, from.log_reason};
    if (e.log_reason.empty()) e.log_reason = std::string(from.code);
    return e;
}

// A VALIDATION_ERROR's first field problem, for the message.
std::string first_problem(const http::ApiError& error) {
    if (error.fields.empty()) return error.message;
    const auto& [field, why] = *error.fields.begin();
    return field + ": " + why;
}

}  // namespace

http::Response aws_ok(std::string json) {
    http::Response r = http::json_response(200, std::move(json));
    r.content_type = std::string(kContentType);
    return r;
}

http::Response aws_error_response(const AwsError& error, std::string_view request_id) {
    json::Writer w;
    w.begin_object();
    w.key("__type").string(error.type);
    w.key("message").string(error.message);
    w.end_object();
    http::Response r = http::json_response(error.status, std::move(w).str());
    r.content_type = std::string(kContentType);
    r.add_header("x-amzn-ErrorType", error.type);
    r.add_header("x-amzn-RequestId", std::string(request_id));
    r.log_reason = error.log_reason.empty() ? error.type : error.log_reason;
    return r;
}

AwsError aws_error_of(const http::ApiError& e, std::string_view rate_limit_type) {
    const std::string_view c = e.code;
    if (c == "RATE_LIMITED") {
        return named(std::string(rate_limit_type),
                     rate_limit_type == "LimitExceededException"
                         ? "Attempt limit exceeded, please try after some time."
                         : "Rate exceeded",
                     e);
    }
    if (c == "ACCOUNT_LOCKED")
        return named("NotAuthorizedException", "Password attempts exceeded", e);
    if (c == "INVALID_CREDENTIALS") {
        return named("NotAuthorizedException", "Incorrect username or password.", e);
    }
    if (c == "ACCOUNT_DISABLED") return named("NotAuthorizedException", "User is disabled.", e);
    if (c == "EMAIL_NOT_VERIFIED")
        return named("UserNotConfirmedException", "User is not confirmed.", e);
    if (c == "INVALID_TOKEN") {
        return named("NotAuthorizedException",
                     e.log_reason == "session_revoked" ? "Access Token has been revoked"
                                                       : "Invalid Access Token",
                     e);
    }
    if (c == "TOKEN_EXPIRED") return named("NotAuthorizedException", "Access Token has expired", e);
    if (c == "INVALID_REFRESH_TOKEN")
        return named("NotAuthorizedException", "Invalid Refresh Token", e);
    if (c == "INVALID_CODE" || c == "INVALID_MFA_CODE") {
        return named("CodeMismatchException",
                     "Invalid verification code provided, please try again.", e);
    }
    if (c == "CODE_EXPIRED") {
        return named("ExpiredCodeException", "Invalid code provided, please request a code again.",
                     e);
    }
    if (c == "MFA_SESSION_EXPIRED") {
        return named("NotAuthorizedException", "Invalid session for the user, session is expired.",
                     e);
    }
    if (c == "EMAIL_EXISTS") {
        return named("UsernameExistsException", "An account with the given email already exists.",
                     e);
    }
    if (c == "MFA_ALREADY_ENABLED" || c == "MFA_NOT_PENDING" || c == "MFA_NOT_ENABLED") {
        return named("InvalidParameterException", e.message, e);
    }
    if (c == "VALIDATION_ERROR") {
        for (const char* field : {"password", "newPassword"}) {
            if (auto it = e.fields.find(field); it != e.fields.end()) {
                return named("InvalidPasswordException",
                             "Password did not conform with policy: " + it->second, e);
            }
        }
        return named("InvalidParameterException", first_problem(e), e);
    }
    if (c == "NOT_FOUND") return named("ResourceNotFoundException", e.message, e);
    if (c == "FORBIDDEN_ORIGIN") return named("NotAuthorizedException", e.message, e);
    AwsError internal = named("InternalErrorException", "Internal error", e);
    internal.status = 500;
    return internal;
}

namespace {

Unexpected<AwsError> not_null(std::string_view name) {
    std::string member(name);
    if (!member.empty()) member[0] = static_cast<char>(member[0] | 0x20);
    return aws_refuse("InvalidParameterException",
                      "1 validation error detected: Value null at '" + member +
                          "' failed to satisfy constraint: Member must not be null",
                      "missing_" + member);
}

Unexpected<AwsError> wrong_type(std::string_view name) {
    return aws_refuse("SerializationException",
                      "Start of structure or map found where not expected at " + std::string(name),
                      "wrong_type");
}

}  // namespace

Result<std::optional<std::string>, AwsError> optional_string(json::Object body,
                                                             std::string_view name) {
    auto v = body.find_string(name);
    if (!v) return wrong_type(name);
    return std::move(*v);
}

Result<std::string, AwsError> required_string(json::Object body, std::string_view name) {
    auto v = optional_string(body, name);
    if (!v) return Unexpected{v.error()};
    if (!*v || (*v)->empty()) return not_null(name);
    return std::move(**v);
}

Result<std::map<std::string, std::string>, AwsError> string_map(json::Object body,
                                                                std::string_view name) {
    auto v = body.find_string_map(name);
    if (!v) return wrong_type(name);
    std::map<std::string, std::string> out;
    if (*v) {
        for (auto& [k, value] : **v) out.emplace(std::move(k), std::move(value));
    }
    return out;
}

Result<std::map<std::string, std::string>, AwsError> attribute_list(json::Object body,
                                                                    std::string_view name) {
    auto v = body.find_object_array(name);
    if (!v) return wrong_type(name);
    std::map<std::string, std::string> out;
    if (!*v) return out;
    for (json::Object item : **v) {
        auto n = required_string(item, "Name");
        if (!n) return Unexpected{n.error()};
        auto value = optional_string(item, "Value");
        if (!value) return Unexpected{value.error()};
        out[*n] = value->value_or("");
    }
    return out;
}

}  // namespace authd::cognito
