// api/validate_api.h
//
// GET /auth/validate: nginx's auth_request target and a cheap token check
// for clients.  204 with the identity headers, 401 with X-Auth-Error, 403
// MFA_REQUIRED when nginx asks for MFA (param AUTHD_REQUIRE_MFA=1) and the
// token's amr lacks "otp".
#pragma once

#include "api/call.h"

namespace authd::api {

http::Response check_access(Services& services, const Call& call);

}  // namespace authd::api
