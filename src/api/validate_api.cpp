// api/validate_api.cpp
#include "api/validate_api.h"

#include <algorithm>

#include "api/auth.h"
#include "api/services.h"

namespace authd::api {

http::Response check_access(Services& s, const Call& call) {
    const std::string& rid = call.request.request_id;
    auto caller = authenticate(s, call.request);
    if (!caller) {
        http::Response r = http::error_response(caller.error(), rid);
        r.add_header("X-Auth-Error", std::string(caller.error().code));
        return r;
    }
    const auto& amr = caller->claims.amr;
    const bool mfa = std::find(amr.begin(), amr.end(), "otp") != amr.end();
    const std::string* require = call.request.param("AUTHD_REQUIRE_MFA");
    if (require && *require == "1" && !mfa) {
        http::Response r = http::error_response(
            {403, "MFA_REQUIRED", "this resource requires two-factor authentication"}, rid);
        r.add_header("X-Auth-Error", "MFA_REQUIRED");
        return r;
    }
    http::Response r = http::no_content();
    r.add_header("X-Auth-User-Id", caller->claims.user_id);
    r.add_header("X-Auth-Email", caller->claims.email);
    r.add_header("X-Auth-Name", caller->claims.name);
    r.add_header("X-Auth-Mfa", mfa ? "true" : "false");
    r.add_header("X-Auth-Session-Id", caller->claims.session_id);
    return r;
}

}  // namespace authd::api
