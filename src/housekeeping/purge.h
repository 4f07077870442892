// housekeeping/purge.h
//
// Deletes what has outlived its use, in bounded statements: expired
// sessions (with their refresh tokens), revocations older than any token
// they could refuse, expired codes and MFA challenges, lockout rows whose
// window and lock are over, unverified accounts past their life, and sent
// mail after a week.  Spent refresh tokens stay with their live session:
// presenting one late must still be recognised as reuse.
//
// The mailer child runs it every few minutes on each host (main.cpp lends
// it to the mailer); running it on several hosts at once is harmless.
// `authctl purge` runs it by hand.
#pragma once

#include <cstdint>

#include "core/config.h"
#include "db/connection.h"

namespace authd::housekeeping {

// Rows deleted, all tables together.
Result<int64_t> purge_expired(db::Connection& db, const Config& config);

}  // namespace authd::housekeeping
