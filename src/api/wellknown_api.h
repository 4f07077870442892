// api/wellknown_api.h
//
// GET /.well-known/jwks.json and /.well-known/openid-configuration: key
// discovery for clients that verify authd's tokens themselves.
#pragma once

#include <string>

#include "api/call.h"

namespace authd::api {

Answer get_jwks(Services& services, const Call& call);
Answer get_openid_configuration(Services& services, const Call& call);

// The discovery document of tokens whose iss is `issuer`, its JWKS under
// it: authd's own ([tokens] issuer), or the Cognito pool's
// ([tokens] pool_issuer, cognito/door.h).
Answer openid_configuration_of(Services& services, const std::string& issuer);

}  // namespace authd::api
