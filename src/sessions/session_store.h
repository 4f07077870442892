// sessions/session_store.h
//
// Login sessions and refresh-token rotation.  Postgres is the truth.
//
// A session is created at login with a fixed expiry (it never slides) and
// one refresh token.  Refresh tokens are opaque 256-bit random strings
// stored as SHA-256 hashes.  Every use rotates: the presented token is
// marked spent and a successor is minted, in one transaction that locks
// the token row, so two concurrent uses serialise.
//
// Grace window: a spent token presented again within `grace_seconds` of
// its spending gets another fresh successor (every successor minted inside
// the window stays valid: clients racing two tabs keep working).  Presented
// after the window, it revokes the whole session: that is token theft or a
// replay, and both parties lose the session.
//
// Every revocation also writes a revoked_sessions row, which the validate
// workers read (find_ended_since) to refuse a session's tokens before
// their exp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "core/config.h"
#include "core/secret.h"
#include "db/connection.h"

namespace authd::sessions {

struct Session {
    std::string id;
    std::string user_id;
    std::string created_at;    // RFC 3339
    std::string last_used_at;  // RFC 3339
    std::string expires_at;    // RFC 3339
    int64_t expires_unix = 0;
    int64_t auth_time = 0;  // unix seconds
    std::vector<std::string> amr;
    std::string ip;
    std::string user_agent;
    bool revoked = false;
    bool expired = false;
};

struct NewSession {
    std::string user_id;
    int ttl_seconds;
    std::vector<std::string> amr;
    const audit::Origin& origin;
};

struct Issued {
    Session session;
    Secret refresh_token;
};

Result<Issued> create_session(db::Transaction& tx, const NewSession& request);

Result<std::optional<Session>> find_session(db::Connection& db, const std::string& session_id);

// Locks the session's row until commit when it is
// still live (not revoked, not ended) and says whether it is.  A write made
// for an authenticated caller takes this first, so it waits for a
// revocation in flight (account deletion, password change, logout) and
// then does not happen at all.
Result<bool> lock_live_session(db::Transaction& tx, const std::string& session_id);

// Live (not revoked, not expired) sessions of a user, newest first.
Result<std::vector<Session>> list_sessions(db::Connection& db, const std::string& user_id);

enum class RotateOutcome { rotated, invalid, reuse_revoked };

struct Rotation {
    RotateOutcome outcome = RotateOutcome::invalid;
    Session session;        // rotated, reuse_revoked
    Secret refresh_token;   // rotated: the successor
    bool in_grace = false;  // rotated: a spent token inside its window
};

// Runs its own transaction.  reuse_revoked has already revoked the session
// and written the audit event.
Result<Rotation> rotate_refresh_token(db::Connection& db, std::string_view presented,
                                      int grace_seconds, const audit::Origin& origin);

// The session a refresh token belongs to, whatever its state.
Result<std::optional<std::string>> session_of_refresh_token(db::Connection& db,
                                                            std::string_view presented);

// Returns false when nothing was revoked
// (unknown, someone else's, already revoked).  `user_id` may be empty to
// skip the ownership check.
Result<bool> revoke_session(db::Transaction& tx, const std::string& session_id,
                            const std::string& user_id, std::string_view reason);
// Every live session of the user, except `keep` if not empty.  Returns how
// many were revoked.
Result<int64_t> revoke_all_sessions(db::Transaction& tx, const std::string& user_id,
                                    std::string_view reason, const std::string& keep = {});

// Why a session's tokens must be refused although their signature and exp
// are fine.
enum class Ending { revoked, expired };

// A session that ended before its tokens did.
struct Revocation {
    std::string session_id;  // canonical lower-case UUID text
    int64_t at_ms = 0;       // revoked_at, or the session's expires_at; unix ms
    Ending ending = Ending::revoked;
};

// Where the next find_ended_since picks up.
struct EndedCursor {
    // A Postgres transaction id (xid8, decimal text): the oldest transaction
    // still running when the previous call's snapshot was taken.
    std::string xact;
    int64_t ended_ms = 0;  // the database's now() at the previous call, unix ms
};

struct EndedSince {
    std::vector<Revocation> rows;
    EndedCursor next;  // for the next call
};

// In one statement, the sessions that ended since the previous call
// (`after`, its `next`; nullopt for the first call), and only those whose
// time (Revocation::at_ms) is after `horizon_ms` (unix ms):
//  - revocations written by a transaction from `after->xact` on (every
//    one, on the first call).  A revocation that no call returned yet was
//    not committed when the previous call's snapshot was taken, so its
//    transaction was running then or began later: its id is at least
//    that snapshot's xmin, `after->xact`.  No commit can slip past the
//    cursor, however long its transaction was open (proof in
//    validate/revoked_sessions.h);
//  - sessions whose fixed end fell after `after->ended_ms` (the previous
//    call's database now()) and is now past.
// A session may come twice (revoked, then ended), and a revocation may
// come again in a later call (harmless: RevokedSessions is a set).
Result<EndedSince> find_ended_since(db::Connection& db, const std::optional<EndedCursor>& after,
                                    int64_t horizon_ms);

// Deletes the sessions (with their refresh tokens) a day past their end,
// and the revocations older than any token they could refuse.  Returns
// how many rows went.
Result<int64_t> purge_sessions(db::Connection& db, const Config::Tokens& tokens);

// A syntactically valid UUID in canonical text form.
bool is_uuid(std::string_view text);

}  // namespace authd::sessions
