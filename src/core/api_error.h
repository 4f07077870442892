// core/api_error.h
//
// The contract's error shape (api-contract.md section 1): what a client is
// told when a request fails.  It is built wherever a request is judged
// (forms, the API, the validator) and turned into a response only by
// http::error_response; it lives here, below all of them, so that judging
// a request body needs nothing of HTTP.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace authd {

struct ApiError {
    int status;
    std::string_view code;                      // "EMAIL_EXISTS"
    std::string message;                        // human readable, no secrets
    std::map<std::string, std::string> fields;  // VALIDATION_ERROR only
    std::optional<int> retry_after;             // 429 only
    std::string log_reason;                     // server log only
    std::string www_authenticate;               // 401 on authenticated endpoints
};

}  // namespace authd
