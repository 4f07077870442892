// api/browser_api.h
//
// What browsers see besides the login page (api/login_page.h): GET
// /auth/redirect (the allow-listed redirect after login), and GET
// /demo/echo (the example upstream behind auth_request for /demo/ and
// /demo-mfa/, echoing the X-Auth-* headers nginx passed it).
#pragma once

#include "api/call.h"

namespace authd::api {

Answer redirect_after_login(Services& services, const Call& call);
Answer demo_echo(Services& services, const Call& call);

}  // namespace authd::api
