// api/call.h
//
// One request as a handler sees it: the request, its JSON body already
// parsed and checked (an empty body reads as {}), and the route's path
// parameter, if its pattern has one; and what a handler answers.
#pragma once

#include <string_view>

#include "core/result.h"
#include "http/request.h"
#include "http/response.h"
#include "json/document.h"

namespace authd::api {

struct Services;

struct Call {
    const http::Request& request;
    const json::Document& body;
    std::string_view path_param;
};

// What a handler answers: a response, or the contract's error, which the
// dispatcher writes, with the request id, in one place (App::dispatch).
using Answer = Result<http::Response, http::ApiError>;
using Handler = Answer (*)(Services&, const Call&);

// A handler's refusal in the contract's words, and an internal failure
// (503 when a dependency is down, else 500).
inline Unexpected<http::ApiError> refuse(http::ApiError error) { return {std::move(error)}; }
inline Unexpected<http::ApiError> refuse(int status, std::string_view code, std::string message,
                                         std::string log_reason) {
    http::ApiError e{status, code, std::move(message)};
    e.log_reason = std::move(log_reason);
    return {std::move(e)};
}
inline Unexpected<http::ApiError> failure(const Error& error) { return {http::api_error(error)}; }

}  // namespace authd::api
