// api/wellknown_api.h
//
// GET /.well-known/jwks.json and /.well-known/openid-configuration: key
// discovery for clients that verify authd's tokens themselves.
#pragma once

#include "api/call.h"

namespace authd::api {

Answer get_jwks(Services& services, const Call& call);
Answer get_openid_configuration(Services& services, const Call& call);

}  // namespace authd::api
