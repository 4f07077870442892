// api/policy_api.h
//
// GET /auth/password-policy: the active [passwords] rules, public, so a
// sign-up or reset page can tick them off as the user types and never
// disagree with the server that will judge the password (an extension of
// the contract: README and contract/openapi.yaml).
#pragma once

#include "api/call.h"

namespace authd::api {

Answer get_password_policy(Services& services, const Call& call);

}  // namespace authd::api
