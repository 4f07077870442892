// accounts/lockout.cpp
#include "accounts/lockout.h"

#include <algorithm>

#include "crypto/digest.h"
#include "crypto/encoding.h"

namespace authd::accounts {
namespace {

constexpr db::Statement kEnsure{"lockout_ensure",
                                "INSERT INTO login_failures (subject) VALUES (decode($1, 'hex'))"
                                " ON CONFLICT (subject) DO NOTHING"};
// NB: clock_timestamp(), not now(): the row lock may have waited for a
// transaction that started after this one and locked the account, and
// locked_until - now() would then exceed the lock's duration (a
// Retry-After of 901 for a 900-second lock).
constexpr db::Statement kState{
    "lockout_state",
    "SELECT COALESCE(locked_until > clock_timestamp(), false),"
    " COALESCE(ceil(extract(epoch FROM locked_until - clock_timestamp()))::int, 0)"
    " FROM login_failures WHERE subject = decode($1, 'hex') FOR UPDATE"};
// A failure outside the window starts a new count; the max_failures-th
// locks and resets the count for after the lock.
constexpr db::Statement kFailure{
    "lockout_failure",
    "WITH f AS (SELECT CASE WHEN window_start < now() - make_interval(secs => $2::int)"
    "   OR locked_until IS NOT NULL THEN 1 ELSE failures + 1 END AS n"
    "   FROM login_failures WHERE subject = decode($1, 'hex'))"
    " UPDATE login_failures l SET"
    "  failures = CASE WHEN f.n >= $3::int THEN 0 ELSE f.n END,"
    "  window_start = CASE WHEN f.n = 1 OR f.n >= $3::int THEN now() ELSE l.window_start END,"
    "  locked_until = CASE WHEN f.n >= $3::int THEN now() + make_interval(secs => $4::int)"
    "   ELSE NULL END"
    " FROM f WHERE l.subject = decode($1, 'hex') RETURNING f.n >= $3::int"};
constexpr db::Statement kClear{"lockout_clear",
                               "DELETE FROM login_failures WHERE subject = decode($1, 'hex')"};
constexpr db::Statement kPurge{
    "purge_failures",
    "DELETE FROM login_failures WHERE (locked_until IS NULL OR locked_until < now())"
    " AND window_start < now() - make_interval(secs => $1::int)"};

}  // namespace

std::string lockout_subject(const Secret& hmac_key, std::string_view normalized_email) {
    std::string message = "lockout:";
    message.append(normalized_email);
    return crypto::hex_encode(crypto::hmac_sha256(hmac_key.reveal(), message));
}

Result<LockState> lock_state(db::Transaction& tx, const std::string& subject) {
    db::Connection& db = tx.connection();
    if (auto r = db.exec(kEnsure, {subject}); !r) return Unexpected{r.error()};
    auto rows = db.exec(kState, {subject});
    if (!rows) return Unexpected{rows.error()};
    LockState s;
    if (!rows->empty()) {
        s.locked = rows->boolean(0, 0);
        s.retry_after = s.locked ? std::max<int>(1, static_cast<int>(rows->integer(0, 1))) : 0;
    }
    return s;
}

Result<FailureCount> record_failure(db::Transaction& tx, const std::string& subject,
                                    const Config::Lockout& config) {
    db::Connection& db = tx.connection();
    auto rows =
        db.exec(kFailure, {subject, std::to_string(config.window),
                           std::to_string(config.max_failures), std::to_string(config.duration)});
    if (!rows) return Unexpected{rows.error()};
    FailureCount out;
    out.locked_now = !rows->empty() && rows->boolean(0, 0);
    out.retry_after = out.locked_now ? config.duration : 0;
    return out;
}

Result<void> clear_failures(db::Transaction& tx, const std::string& subject) {
    db::Connection& db = tx.connection();
    if (auto r = db.exec(kClear, {subject}); !r) return Unexpected{r.error()};
    return {};
}

Result<int64_t> purge_lockouts(db::Connection& db, const Config::Lockout& config) {
    auto r = db.exec(kPurge, {std::to_string(config.window)});
    if (!r) return Unexpected{r.error()};
    return r->affected();
}

}  // namespace authd::accounts
