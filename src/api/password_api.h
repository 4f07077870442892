// api/password_api.h
//
// POST /auth/password/forgot, /auth/password/reset, /auth/password/change.
#pragma once

#include "api/call.h"

namespace authd::api {

http::Response forgot_password(Services& services, const Call& call);
http::Response reset_password(Services& services, const Call& call);
http::Response change_password(Services& services, const Call& call);

}  // namespace authd::api
