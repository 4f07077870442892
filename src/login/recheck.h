// login/recheck.h
//
// A signed-in user's secret asked again before a sensitive change
// (mfa/setup, mfa/backup-codes, mfa/disable, password/change, DELETE
// /users/profile).  Every such check counts toward the same lockout as a
// login (contract section 6): a locked account is refused before anything
// is checked, and a wrong secret counts, locks at the Nth failure (with the
// audit event and the mail) and is audited itself, so a stolen access token
// cannot guess at a TOTP code or the password faster than a login could.
// A passed re-check clears nothing: it is not a login.
#pragma once

#include <string_view>

#include "accounts/user_store.h"
#include "audit/audit.h"
#include "core/secret.h"
#include "login/context.h"

namespace authd::login {

enum class Recheck { passed, wrong, locked };

struct RecheckResult {
    Recheck outcome = Recheck::passed;
    int retry_after = 0;  // seconds, when locked
};

// Locks the account's lockout row for the rest of the transaction, then
// checks `password` against the user's hash.
Result<RecheckResult> recheck_password(Context& ctx, db::Transaction& tx,
                                       const accounts::User& user, std::string_view password,
                                       const audit::Origin& origin);

// The same for a second factor against the user's active TOTP `secret`: a
// TOTP code (its step consumed) or, when `allow_backup`, a backup code.
Result<RecheckResult> recheck_second_factor(Context& ctx, db::Transaction& tx,
                                            const accounts::User& user, const Secret& secret,
                                            std::string_view code, bool allow_backup,
                                            const audit::Origin& origin);

}  // namespace authd::login
