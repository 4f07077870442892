// login/issue.h
//
// The one tail of every sign-in (a password alone, or a password and then a
// second factor): a new session with its refresh token, the user's last
// login, and the audit event, in the sign-in's transaction.
#pragma once

#include <string>
#include <vector>

#include "accounts/user_store.h"
#include "audit/audit.h"
#include "login/context.h"
#include "sessions/session_store.h"

namespace authd::login {

struct SignedIn {
    accounts::User user;  // last_login_at is this login's
    sessions::Issued issued;
};

// `amr` is {"pwd"} or {"pwd", "otp"}; the session lives remember_me_ttl or
// session_ttl.
Result<SignedIn> issue_login(Context& ctx, db::Transaction& tx, accounts::User user,
                             bool remember_me, std::vector<std::string> amr,
                             const audit::Origin& origin);

}  // namespace authd::login
