// accounts/email_codes.h
//
// The 6-digit codes mailed for email verification and password reset.
// Only a keyed hash of a code is stored: HMAC-SHA-256 under the server's
// HMAC key over purpose, user id and code, so a code is worthless for any
// other user or purpose and a database dump reveals none.
//
// A user has at most one live code per purpose; issuing a new one marks the
// old one superseded.  A live code dies when it expires or after
// `max_attempts` wrong tries ("burnt"): from then on even the right code
// answers `expired`.
#pragma once

#include <string>

#include "core/secret.h"
#include "db/connection.h"

namespace authd::accounts {

enum class CodePurpose { verify_email, password_reset };

// Locks the user's row until commit,
// supersedes the live code and stores a new one.  Returns the code in clear, for the mail only.
Result<Secret> issue_code(db::Transaction& tx, const Secret& hmac_key, const std::string& user_id,
                          CodePurpose purpose, int ttl_seconds);

enum class CodeCheck { accepted, wrong, expired };

// Locks the user's row, then the codes, until commit.  `accepted`
// consumes every code of this purpose for the user; `wrong` counts a try
// against the live code.
Result<CodeCheck> check_code(db::Transaction& tx, const Secret& hmac_key,
                             const std::string& user_id, CodePurpose purpose, std::string_view code,
                             int max_attempts);

// Deletes the codes a day past their expiry; returns how many.
Result<int64_t> purge_expired_codes(db::Connection& db);

}  // namespace authd::accounts
