// http/response.h
//
// What a handler returns: status, headers and body, plus a `log_reason`
// that goes to the server log and never to the client.  Errors are built
// from an ApiError, the contract's error shape.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace authd::http {

struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;  // empty: no body
    std::string content_type = "application/json";
    std::string log_reason;  // server log only
    // Log the request at debug rather than info: for answers so frequent
    // and uneventful that info lines would drown the log (a validator 204).
    bool routine = false;
    // Work to do after the response has been sent and the connection to
    // nginx closed: what must not show in the response time (whether an
    // account exists).  Runs in the same worker before its next request.
    std::function<void()> after_response;

    void add_header(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
    }
};

// The contract's error shape (api-contract.md section 1): what a client is
// told when a request fails.  Handlers and the validator build it;
// error_response() turns it into a response.  (forms/ reports field
// problems in its own terms, forms::FieldErrors.)
struct ApiError {
    int status;
    std::string_view code;                      // "EMAIL_EXISTS"
    std::string message;                        // human readable, no secrets
    std::map<std::string, std::string> fields;  // VALIDATION_ERROR only
    std::optional<int> retry_after;             // 429 only
    std::string log_reason;                     // server log only
    std::string www_authenticate;               // 401 on authenticated endpoints
};

// The standard reason phrase of a status code, for the FastCGI Status line.
std::string_view status_text(int status);

Response json_response(int status, std::string body);
Response no_content();

// {"error", "message", "requestId", "fields"?} with the headers the
// contract asks for (Retry-After on 429, WWW-Authenticate when set).
Response error_response(const ApiError& error, std::string_view request_id);

// The generic mapping of an internal Error for the places that have no
// more specific answer: unavailable -> 503 SERVICE_UNAVAILABLE, anything
// else -> 500 INTERNAL_ERROR.  The detail goes to log_reason only.
ApiError api_error(const Error& error);
Response from_error(const Error& error, std::string_view request_id);

}  // namespace authd::http
