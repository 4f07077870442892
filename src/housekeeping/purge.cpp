// housekeeping/purge.cpp
//
// Only calls: each store deletes its own rows, with its own SQL, by its own
// rules of what has outlived its use.  One step after another, stopping at
// the first failure (the next run starts over; every step is idempotent).
#include "housekeeping/purge.h"

#include "accounts/email_codes.h"
#include "accounts/lockout.h"
#include "accounts/user_store.h"
#include "mail/outbox.h"
#include "mfa/challenge_store.h"
#include "sessions/session_store.h"

namespace authd::housekeeping {
namespace {

using Step = Result<int64_t> (*)(db::Connection&, const Config&);

constexpr Step kSteps[] = {
    [](db::Connection& db, const Config& c) { return sessions::purge_sessions(db, c.tokens); },
    [](db::Connection& db, const Config&) { return accounts::purge_expired_codes(db); },
    [](db::Connection& db, const Config&) { return mfa::purge_expired_challenges(db); },
    [](db::Connection& db, const Config& c) { return accounts::purge_lockouts(db, c.lockout); },
    [](db::Connection& db, const Config&) { return mail::purge_sent(db); },
};

}  // namespace

Result<int64_t> purge_expired(db::Connection& db, const Config& config) {
    int64_t deleted = 0;
    for (Step step : kSteps) {
        auto rows = step(db, config);
        if (!rows) return Unexpected{rows.error()};
        deleted += *rows;
    }
    if (auto r = accounts::purge_unverified(db, config.accounts.unverified_ttl); !r) {
        return Unexpected{r.error()};
    }
    return deleted;
}

}  // namespace authd::housekeeping
