// accounts/lockout.h
//
// Per-account lockout, state in Postgres (a cache outage never lifts or
// hides a lock).  The subject is an HMAC of the normalised email, so an
// unknown email locks exactly like a known one and the table names no one.
// Password failures and wrong MFA codes count into the same row.
//
// Within `window` seconds the `max_failures`th failure locks the subject
// for `duration` seconds: that failure still answers its own 401, every
// later attempt 429 ACCOUNT_LOCKED until the lock ends.  A lock starts a
// fresh count.
//
// Every function takes the caller's transaction; lock_state() takes
// the row lock, so concurrent attempts on one subject are serialised and
// the count is exact (no extra success slips through a race).
#pragma once

#include <string>

#include "core/config.h"
#include "core/secret.h"
#include "db/connection.h"

namespace authd::accounts {

std::string lockout_subject(const Secret& hmac_key, std::string_view normalized_email);

struct LockState {
    bool locked = false;
    int retry_after = 0;  // seconds, when locked
};

// Creates the row if needed and locks it for this transaction.
Result<LockState> lock_state(db::Transaction& tx, const std::string& subject);

struct FailureCount {
    bool locked_now = false;  // this failure locked the subject
    int retry_after = 0;
};
Result<FailureCount> record_failure(db::Transaction& tx, const std::string& subject,
                                    const Config::Lockout& config);

// A success: the count starts over.  Also lifts a lock (password reset).
Result<void> clear_failures(db::Transaction& tx, const std::string& subject);

// Not in a caller's transaction: deletes the rows whose lock is over and
// whose window ended; returns how many.
Result<int64_t> purge_lockouts(db::Connection& db, const Config::Lockout& config);

}  // namespace authd::accounts
