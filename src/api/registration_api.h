// api/registration_api.h
//
// POST /auth/register, /auth/verify-email, /auth/resend-verification.
#pragma once

#include "api/call.h"

namespace authd::api {

http::Response register_account(Services& services, const Call& call);
http::Response verify_email(Services& services, const Call& call);
http::Response resend_verification(Services& services, const Call& call);

}  // namespace authd::api
