// cognito/aws_json.h
//
// The AWS JSON 1.1 protocol as the SDKs read it: a success is 200 with a
// JSON object; a refusal is HTTP 400 (500 for the service's own failure)
// with {"__type": "<Name>Exception", "message": ...} and the same name in
// x-amzn-ErrorType, which botocore turns into client.exceptions.<Name>.
// The request id travels in x-amzn-RequestId, as AWS's does.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/response.h"
#include "json/document.h"

namespace authd::cognito {

inline constexpr std::string_view kContentType = "application/x-amz-json-1.1";

// What the client is told; `log_reason` goes to the server log only.
struct AwsError {
    std::string type;  // "NotAuthorizedException"
    std::string message;
    int status = 400;
    std::string log_reason;
};

// What an operation answers: the response (its JSON written), or a refusal.
using OpResult = Result<http::Response, AwsError>;

inline Unexpected<AwsError> aws_refuse(std::string type, std::string message,
                                       std::string log_reason = {}) {
    return {AwsError{std::move(type), std::move(message), 400, std::move(log_reason)}};
}

// 200 with `json` (an object) as application/x-amz-json-1.1.
http::Response aws_ok(std::string json);

// The error shape above; `request_id` also goes to x-amzn-RequestId.
http::Response aws_error_response(const AwsError& error, std::string_view request_id);

// A REST use case's refusal in Cognito's words (the same exception names
// and messages Cognito gives for the same situation; an unknown user is a
// NotAuthorizedException, as with Cognito's "prevent user existence
// errors").  `rate_limit_type` names the exception for a 429 RATE_LIMITED:
// Cognito says LimitExceededException where a per-user or per-email
// attempt limit is hit, TooManyRequestsException for request rates.
AwsError aws_error_of(const http::ApiError& error,
                      std::string_view rate_limit_type = "TooManyRequestsException");

// A required string member of the request; InvalidParameterException in
// AWS's validation wording when absent, empty or not a string.
Result<std::string, AwsError> required_string(json::Object body, std::string_view name);
// The same, absent allowed (nullopt).
Result<std::optional<std::string>, AwsError> optional_string(json::Object body,
                                                             std::string_view name);

// A string-to-string map member (AuthParameters, ChallengeResponses).
Result<std::map<std::string, std::string>, AwsError> string_map(json::Object body,
                                                                std::string_view name);

// A list of {"Name": ..., "Value": ...} (UserAttributes) as a map.
Result<std::map<std::string, std::string>, AwsError> attribute_list(json::Object body,
                                                                    std::string_view name);

}  // namespace authd::cognito
