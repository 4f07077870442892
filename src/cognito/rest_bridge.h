// cognito/rest_bridge.h
//
// Most Cognito operations are a REST endpoint under another name: SignUp is
// POST /auth/register, ConfirmForgotPassword is /auth/password/reset.  The
// door runs the REST endpoint's own handler with the body it would have
// been sent (and the access token as its bearer), so every rule of the
// use case (rate limit, password policy, lockout, timing, audit, mail)
// is the one the REST door applies, written once; then it says the answer
// in Cognito's words.  The request keeps the caller's address, user agent
// and request id; its cookies are dropped (the Cognito door authenticates
// by the token in the body only).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/auth.h"
#include "api/call.h"
#include "api/limits.h"
#include "api/services.h"
#include "cognito/aws_json.h"

namespace authd::cognito {

struct RestCall {
    api::Handler handler;
    std::string json_body;  // what the REST client would have sent
    std::string bearer;     // an access token for Authorization, or empty
    // The endpoint's limit that the REST dispatcher counts before the body
    // (api/routes.cpp), counted here the same way.
    std::optional<api::LimitKind> limit = std::nullopt;
};

// The REST handler's answer, untranslated (a refusal as the contract's
// ApiError; a success as its response, whose after_response work the
// caller must carry into its own response).
api::Answer run_rest(api::Services& services, const http::Request& original, const RestCall& rest);

// A REST success's JSON body, parsed (it is authd's own output).
Result<json::Document, AwsError> rest_body(const http::Response& response);

// An access token from the body's AccessToken member.
Result<std::string, AwsError> access_token(json::Object body);

// The signed-in user an access token names, checked as a Bearer token is
// (api::authenticate: signature, claims, the session alive in Postgres).
Result<api::Caller, AwsError> caller_of(api::Services& services, const http::Request& original,
                                        const std::string& token);

// {"Destination": "a***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
std::string code_delivery_json(std::string_view email);

}  // namespace authd::cognito
