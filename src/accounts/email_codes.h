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

// Locks the user's row, then the codes, until commit (the lock order of
// accounts/user_store.h).  `accepted` consumes every code of this purpose
// for the user (rolled back with the transaction: a caller that refuses
// the request for another reason leaves the code live); `wrong` counts a
// try against the live code.
Result<CodeCheck> check_code(db::Transaction& tx, const Secret& hmac_key,
                             const std::string& user_id, CodePurpose purpose, std::string_view code,
                             int max_attempts);

// For an email no account has: the same statements and hashing as
// check_code for an account without a live code, and the same answer,
// `wrong`, so neither the answer nor its time tells the two apart.
Result<CodeCheck> check_code_of_nobody(db::Transaction& tx, const Secret& hmac_key,
                                       CodePurpose purpose, std::string_view code,
                                       int max_attempts);

// Deletes the codes a day past their expiry; returns how many.
Result<int64_t> purge_expired_codes(db::Connection& db);

}  // namespace authd::accounts
