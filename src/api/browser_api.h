// api/browser_api.h
//
// What browsers see: GET /auth/redirect (the allow-listed redirect after
// login), GET /login (a minimal login form until the portal exists), and
// GET /demo/echo (the example upstream behind auth_request for /demo/ and
// /demo-mfa/, echoing the X-Auth-* headers nginx passed it).
#pragma once

#include "api/call.h"

namespace authd::api {

http::Response redirect_after_login(Services& services, const Call& call);
http::Response login_page(Services& services, const Call& call);
http::Response demo_echo(Services& services, const Call& call);

}  // namespace authd::api
