// api/account_api.h
//
// The signed-in user's own resources: GET /auth/sessions,
// DELETE /auth/sessions/{sessionId}, GET/PUT/DELETE /users/profile.
#pragma once

#include "api/call.h"

namespace authd::api {

Answer list_sessions(Services& services, const Call& call);
Answer delete_session(Services& services, const Call& call);
Answer get_profile(Services& services, const Call& call);
Answer update_profile(Services& services, const Call& call);
Answer delete_profile(Services& services, const Call& call);

}  // namespace authd::api
