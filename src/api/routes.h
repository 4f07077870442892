// api/routes.h
//
// The route table of the API pool.
#pragma once

#include <optional>
#include <span>

#include "api/call.h"
#include "api/limits.h"
#include "http/router.h"

namespace authd::api {

// What a route leads to: the handler and, where there is one, the rate
// limit that counts every request to the endpoint before its body is
// looked at (per IP, or per user for the signed-in endpoints) (contract section 6: whatever its
// answer, a 415 or an INVALID_JSON too; see over_limit_before_body).
struct Endpoint {
    Handler handle;
    std::optional<LimitKind> limit = std::nullopt;
    // The body is an HTML form (application/x-www-form-urlencoded, the login
    // page's), which the handler reads from the request; the call's JSON
    // body is then {}.  Anything else there is a 415.
    bool form_body = false;
    // The handler reads and checks the body itself, and answers its
    // refusals in its own protocol's shape (the Cognito door, AWS JSON 1.1:
    // cognito/door.h); the call's JSON body is then {}.
    bool own_body = false;
};

std::span<const http::Route<Endpoint>> routes();

}  // namespace authd::api
