// login/reset_request.h
//
// The first half of a password reset: a new password_reset code for an
// account (superseding its live one) and the mail that carries it, queued
// in the caller's transaction so the message exists exactly when the
// change that asked for it commits.  POST /auth/password/forgot sends it
// after its answer; `authctl user add --reset-required` with the account it
// creates.
#pragma once

#include "accounts/user_store.h"
#include "db/connection.h"
#include "keys/keyring.h"

namespace authd::login {

// `code_ttl` is [accounts] reset_ttl, in seconds.
Result<void> queue_reset_code(db::Transaction& tx, const keys::Keyring& keys, int code_ttl,
                              const accounts::User& user);

}  // namespace authd::login
