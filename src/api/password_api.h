// api/password_api.h
//
// POST /auth/password/forgot, /auth/password/reset, /auth/password/change.
#pragma once

#include "api/call.h"

namespace authd::api {

Answer forgot_password(Services& services, const Call& call);
Answer reset_password(Services& services, const Call& call);
Answer change_password(Services& services, const Call& call);

}  // namespace authd::api
