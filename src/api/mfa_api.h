// api/mfa_api.h
//
// Two-factor authentication: POST /auth/mfa/setup, /auth/mfa/verify-setup,
// /auth/mfa/verify (the login's code step), /auth/mfa/backup-codes,
// /auth/mfa/disable.  The password step of a login with 2FA on is in
// login_api.cpp; it ends in mfa_challenge().
#pragma once

#include <string>

#include "accounts/user_store.h"
#include "api/call.h"
#include "audit/audit.h"
#include "core/config.h"
#include "core/secret.h"

namespace authd::api {

Answer setup_mfa(Services& services, const Call& call);
Answer verify_mfa_setup(Services& services, const Call& call);
Answer complete_mfa_login(Services& services, const Call& call);
Answer regenerate_backup_codes(Services& services, const Call& call);
Answer disable_mfa(Services& services, const Call& call);

// A new pending TOTP secret for `user` (whose 2FA is off), saved
// encrypted in the caller's transaction (begun as the caller) with its
// audit event; verify-setup turns it on.  What proves the caller may
// enrol is the door's: the password again at POST /auth/mfa/setup, a
// recent sign-in at the Cognito door's AssociateSoftwareToken.
struct PendingSetup {
    std::string secret_base32;
    std::string otpauth_uri;
};
Result<PendingSetup> start_mfa_setup(Services& services, db::Transaction& tx,
                                     const accounts::User& user, const audit::Origin& origin);

// The MfaChallenge answer to a correct password when 2FA is on.
http::Response mfa_challenge(const Config& config, const Secret& session_token);

}  // namespace authd::api
