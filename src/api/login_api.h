// api/login_api.h
//
// POST /auth/login, /auth/refresh, /auth/logout.
#pragma once

#include "api/call.h"

namespace authd::api {

Answer login(Services& services, const Call& call);
Answer refresh(Services& services, const Call& call);
Answer logout(Services& services, const Call& call);

}  // namespace authd::api
