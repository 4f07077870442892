// api/mfa_api.h
//
// Two-factor authentication: POST /auth/mfa/setup, /auth/mfa/verify-setup,
// /auth/mfa/verify (the login's code step), /auth/mfa/backup-codes,
// /auth/mfa/disable.  The password step of a login with 2FA on is in
// login_api.cpp; it ends in begin_mfa_challenge().
#pragma once

#include "accounts/user_store.h"
#include "api/call.h"
#include "forms/requests.h"

namespace authd::api {

http::Response setup_mfa(Services& services, const Call& call);
http::Response verify_mfa_setup(Services& services, const Call& call);
http::Response complete_mfa_login(Services& services, const Call& call);
http::Response regenerate_backup_codes(Services& services, const Call& call);
http::Response disable_mfa(Services& services, const Call& call);

// Inside the login's transaction, after a correct password: the
// MfaChallenge answer.  Commits.
http::Response begin_mfa_challenge(Services& services, db::Transaction& tx,
                                   const accounts::User& user, const forms::LoginForm& form,
                                   std::string_view request_id);

}  // namespace authd::api
