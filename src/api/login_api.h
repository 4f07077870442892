// api/login_api.h
//
// POST /auth/login, /auth/refresh, /auth/logout.
#pragma once

#include "api/call.h"

namespace authd::api {

http::Response login(Services& services, const Call& call);
http::Response refresh(Services& services, const Call& call);
http::Response logout(Services& services, const Call& call);

}  // namespace authd::api
