// login/account_state.h
//
// Disabling an account and enabling it again (authctl user disable|enable).
// A disable is one change in the caller's transaction, after the account's
// row was locked (the lock order of accounts/user_store.h): the account is
// marked disabled, every live session is revoked as logout-all revokes them
// (so the validators refuse its access tokens within the revocation bound
// and its refresh tokens are dead), and every pending MFA challenge ends.
// From then on every door that issues tokens refuses it: the password step
// (after the password was checked, so only someone who knows it learns that
// the account is disabled), the second-factor step, refresh, and authctl
// token mint.  Forgot-password sends a disabled account nothing and a reset
// code is refused for it as for an unknown email, so a reset can neither
// sign in nor undo a disable.  Enable only clears the mark: the sessions
// stay revoked.
#pragma once

#include <string_view>

#include "accounts/user_store.h"
#include "db/connection.h"

namespace authd::login {

// false (and nothing changed) when the account was disabled already.
Result<bool> disable_account(db::Transaction& tx, const accounts::User& locked);

// false when the account was not disabled.
Result<bool> enable_account(db::Transaction& tx, const accounts::User& locked);

}  // namespace authd::login
