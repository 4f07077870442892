// api/registration_api.h
//
// POST /auth/register, /auth/verify-email, /auth/resend-verification.
#pragma once

#include "api/call.h"

namespace authd::api {

Answer register_account(Services& services, const Call& call);
Answer verify_email(Services& services, const Call& call);
Answer resend_verification(Services& services, const Call& call);

}  // namespace authd::api
