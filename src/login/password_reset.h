// login/password_reset.h
//
// Setting a new password with the code password/forgot mailed.  It proves
// control of the mailbox, not of the account's second factor: the password
// is set, every session revoked and a lockout lifted, but no one is signed
// in, so 2FA is never bypassed.
//
// The order keeps the endpoint from telling which emails have an account
// and from running Argon2 for anyone who asks:
//   1. the code, checked the same way for a known and an unknown email (an
//      unknown one against nobody's codes, accounts::check_code_of_nobody):
//      the same answer, the same statements, nothing expensive;
//   2. only then the password policy, whose rules name the account's email
//      and names, so that its answer can only follow a proven code; a right
//      code with a refused password stays live for a better password;
//   3. only then Argon2 and the write.
// A wrong code counts a try against the live code.  The account's row is
// locked first and held to the end (the lock order of
// accounts/user_store.h): a login racing the reset waits for it, then sees
// the new password.
#pragma once

#include <string>
#include <variant>

#include "audit/audit.h"
#include "forms/password_policy.h"
#include "forms/requests.h"
#include "login/context.h"

namespace authd::login {

// A wrong code or an unknown email; or, `expired`, a code past its life,
// superseded or burnt.
struct CodeRefused {
    bool expired = false;
    const char* reason;  // for the log
};
// The code was right; the new password breaks the policy.
struct PasswordRefused {
    std::string problem;  // forms::password_problem's words
};
struct PasswordReset {};

using ResetOutcome = std::variant<CodeRefused, PasswordRefused, PasswordReset>;

// Runs its own transaction: commits a counted try and a reset, rolls back
// a refused password (the code is not consumed).
Result<ResetOutcome> reset_password(Context& ctx, const forms::PasswordPolicy& policy,
                                    const forms::ResetForm& form, const audit::Origin& origin);

}  // namespace authd::login
