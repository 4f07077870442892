// mfa/challenge_store.h
//
// MFA challenges: the one-time sessionToken a login with 2FA on returns
// after the password step.  It proves the password step only, is bound to
// its user, single-use, lives `ttl` seconds and dies after `max_attempts`
// wrong codes.  Stored as a SHA-256 hash; rememberMe and setCookie ride
// along to the code step.
#pragma once

#include <optional>
#include <string>

#include "core/secret.h"
#include "db/connection.h"

namespace authd::mfa {

struct NewChallenge {
    std::string user_id;
    bool remember_me = false;
    bool set_cookie = false;
    int ttl_seconds = 300;
};

// Returns the token in clear.
Result<Secret> create_challenge(db::Transaction& tx, const NewChallenge& challenge);

struct Challenge {
    std::string token_hash_hex;
    std::string user_id;
    bool remember_me = false;
    bool set_cookie = false;
};

// The user a challenge was made for, whatever its state, without a lock:
// what the code step needs to lock the users row before the challenge's
// (the lock order of accounts/user_store.h).  nullopt when unknown.
Result<std::optional<std::string>> find_challenge_owner(db::Connection& db, std::string_view token);

// Locks the row until the transaction ends.  nullopt when unknown,
// expired, used or out of attempts.
Result<std::optional<Challenge>> lock_live_challenge(db::Transaction& tx, std::string_view token,
                                                     int max_attempts);
Result<void> count_wrong_code(db::Transaction& tx, const Challenge& challenge);
Result<void> mark_used(db::Transaction& tx, const Challenge& challenge);

// Ends every challenge of the user still pending: a new password (reset or
// change) leaves no second step of the old one open.
Result<void> end_challenges_of_user(db::Transaction& tx, std::string_view user_id);

// Deletes the challenges an hour past their expiry; returns how many.
Result<int64_t> purge_expired_challenges(db::Connection& db);

}  // namespace authd::mfa
