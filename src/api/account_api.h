// api/account_api.h
//
// The signed-in user's own resources: GET /auth/sessions,
// DELETE /auth/sessions/{sessionId}, GET/PUT/DELETE /users/profile.
#pragma once

#include <string>

#include "api/call.h"
#include "audit/audit.h"
#include "db/connection.h"

namespace authd::api {

Answer list_sessions(Services& services, const Call& call);
Answer delete_session(Services& services, const Call& call);
Answer get_profile(Services& services, const Call& call);
Answer update_profile(Services& services, const Call& call);
Answer delete_profile(Services& services, const Call& call);

// The account and everything that hangs off it, inside the caller's
// transaction (begun as the caller, api::begin_as_caller): its sessions
// recorded as revoked first, so their access tokens die everywhere, the
// audit event, then the user.  DELETE /users/profile asks for the
// password first; the Cognito door's DeleteUser, as Cognito's, the access
// token alone.
Result<void> delete_account(Services& services, db::Transaction& tx, const std::string& user_id,
                            const audit::Origin& origin);

}  // namespace authd::api
