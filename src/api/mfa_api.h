// api/mfa_api.h
//
// Two-factor authentication: POST /auth/mfa/setup, /auth/mfa/verify-setup,
// /auth/mfa/verify (the login's code step), /auth/mfa/backup-codes,
// /auth/mfa/disable.  The password step of a login with 2FA on is in
// login_api.cpp; it ends in mfa_challenge().
#pragma once

#include "api/call.h"
#include "core/config.h"
#include "core/secret.h"

namespace authd::api {

Answer setup_mfa(Services& services, const Call& call);
Answer verify_mfa_setup(Services& services, const Call& call);
Answer complete_mfa_login(Services& services, const Call& call);
Answer regenerate_backup_codes(Services& services, const Call& call);
Answer disable_mfa(Services& services, const Call& call);

// The MfaChallenge answer to a correct password when 2FA is on.
http::Response mfa_challenge(const Config& config, const Secret& session_token);

}  // namespace authd::api
