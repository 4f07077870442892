// login/password_login.h
//
// The password step of a sign-in.  An unknown email is answered exactly
// like a wrong password, after the same work (an Argon2 verification
// against the dummy hash), so neither the outcome nor its timing tells
// which emails are registered; only after a correct password does it tell
// that the email is not verified yet, or that the account is disabled.
// An account whose password must be reset has none to check: after the
// same Argon2 work, it answers PasswordResetRequired whatever the password
// (which tells that the email has such an account; the reset flow that
// follows answers the same for every email).  Attempts on one account are
// serialised on its users row, then its lockout row (an unknown email's,
// on the lockout row alone) until the transaction ends, so the failure
// count is exact under concurrency.  With 2FA on, a correct
// password alone does not reset the count (or password logins could
// launder guesses at the code), and the step ends in an MFA challenge.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "audit/audit.h"
#include "core/secret.h"
#include "login/context.h"
#include "login/issue.h"

namespace authd::login {

struct PasswordAttempt {
    std::string email;  // normalised
    Secret password;
    bool remember_me = false;
    bool set_cookie = false;  // carried through an MFA challenge
};

struct Locked {
    int retry_after = 0;  // seconds
};
struct BadCredentials {
    const char* reason;  // "wrong_password" or "unknown_email", for the log
};
struct EmailNotVerified {};
// The password was right and an operator disabled the account
// (login/account_state.h); shared with the second-factor step.
struct AccountDisabled {};
// The account's password must be set again (accounts::User::
// password_reset_required: imported from Cognito, or reset by an
// administrator): there is no password to check.
struct PasswordResetRequired {};
struct SecondFactorNeeded {
    Secret challenge;  // the MFA sessionToken
};

using PasswordOutcome = std::variant<Locked, BadCredentials, EmailNotVerified, AccountDisabled,
                                     PasswordResetRequired, SecondFactorNeeded, SignedIn>;

// Every outcome is to be committed (a failure's count, a rehash, the
// challenge, the session).
Result<PasswordOutcome> password_login(Context& ctx, db::Transaction& tx,
                                       const PasswordAttempt& attempt, const audit::Origin& origin);

}  // namespace authd::login
