// login/failures.h
//
// Counting a failed check of a secret (a password or a second-factor code)
// toward the account lockout, with what a lock brings: the audit event and
// the account_locked mail.
#pragma once

#include <string>

#include "accounts/user_store.h"
#include "audit/audit.h"
#include "db/connection.h"
#include "login/context.h"

namespace authd::login {

// After accounts::lock_state() in the same transaction.  `user` is null
// for an unknown email, which locks exactly like a known one but has no one
// to tell.
Result<void> count_failure(Context& ctx, db::Transaction& tx, const std::string& subject,
                           const accounts::User* user, const audit::Origin& origin);

}  // namespace authd::login
