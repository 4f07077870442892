// sessions/session_store.cpp
#include "sessions/session_store.h"

#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "metrics/shared_counters.h"

namespace authd::sessions {
namespace {

#define AUTHD_TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define AUTHD_SESSION_COLUMNS \
    "s.id::text, s.user_id::text, " AUTHD_TS("s.created_at") ", " AUTHD_TS("s.last_used_at") \
    ", " AUTHD_TS("s.expires_at") ", floor(extract(epoch FROM s.auth_time))::bigint,"              \
    " array_to_string(s.amr, ','), COALESCE(host(s.ip), ''), COALESCE(s.user_agent, ''),"   \
    " s.revoked_at IS NOT NULL, s.expires_at <= now(), floor(extract(epoch FROM s.expires_at))::bigint"

constexpr db::Statement kCreate{
    "session_create",
    "INSERT INTO sessions AS s (user_id, expires_at, auth_time, amr, ip, user_agent)"
    " VALUES ($1::uuid, now() + make_interval(secs => $2::int), now(),"
    " string_to_array($3, ','), NULLIF($4, '')::inet, NULLIF($5, ''))"
    " RETURNING " AUTHD_SESSION_COLUMNS};
constexpr db::Statement kInsertToken{
    "refresh_insert",
    "INSERT INTO refresh_tokens (token_hash, session_id) VALUES (decode($1, 'hex'), $2::uuid)"};
constexpr db::Statement kFind{
    "session_find", "SELECT " AUTHD_SESSION_COLUMNS " FROM sessions s WHERE s.id = $1::uuid"};
constexpr db::Statement kLockLive{
    "session_lock_live",
    "SELECT 1 FROM sessions WHERE id = $1::uuid AND revoked_at IS NULL AND expires_at > now()"
    " FOR UPDATE"};
constexpr db::Statement kList{
    "session_list",
    "SELECT " AUTHD_SESSION_COLUMNS
    " FROM sessions s WHERE s.user_id = $1::uuid"
    " AND s.revoked_at IS NULL AND s.expires_at > now() ORDER BY s.created_at DESC, s.id"};
// NB: the grace window is measured with clock_timestamp(), when the token
// was really spent and when it is really presented again (after the row
// lock is ours), not with now(), the start of each transaction: a
// presentation whose transaction began before the spending one committed
// would otherwise read as "before the spending", inside any window, and in
// strict mode (grace 0) two racing clients would both get a live pair.
constexpr db::Statement kLockToken{
    "refresh_lock",
    "SELECT " AUTHD_SESSION_COLUMNS
    ", t.spent_at IS NOT NULL,"
    " COALESCE(t.spent_at > clock_timestamp() - make_interval(secs => $2::int), false)"
    " FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id"
    " WHERE t.token_hash = decode($1, 'hex') FOR UPDATE OF t, s"};
// The session first, then its token (the lock order of accounts/user_store.h:
// deleting an account deletes its sessions, then their tokens).
constexpr db::Statement kLockSession{"session_lock",
                                     "SELECT 1 FROM sessions WHERE id = $1::uuid FOR UPDATE"};
constexpr db::Statement kSpend{
    "refresh_spend",
    "UPDATE refresh_tokens SET spent_at = clock_timestamp() WHERE token_hash = decode($1, 'hex')"
    " AND spent_at IS NULL"};
constexpr db::Statement kTouch{"session_touch",
                               "UPDATE sessions SET last_used_at = now() WHERE id = $1::uuid"};
constexpr db::Statement kSessionOfToken{
    "refresh_session_of",
    "SELECT session_id::text FROM refresh_tokens WHERE token_hash = decode($1, 'hex')"};
// NB: revoked_sessions.revoked_at is clock_timestamp() taken by the INSERT
// as it reads a row the UPDATE returned, so after the UPDATE held that
// session's row lock: every refresh that minted a token for the session
// had committed by then (a refresh holds the row too), and every later one
// waits and finds the session revoked.  So no token of the session is
// younger than revoked_at (give or take the mint after its commit and the
// hosts' clocks: RevokedSessions::kMarginMs), which is what lets the
// validator forget the row a token life after it.  now(), the
// transaction's start, could be any time before the lock.
// revoking_xact takes its default, the writing transaction's id
// (find_ended_since's cursor).
constexpr db::Statement kRevoke{
    "session_revoke",
    "WITH r AS (UPDATE sessions SET revoked_at = now(), revoke_reason = $3"
    "  WHERE id = $1::uuid AND ($2 = '' OR user_id::text = $2) AND revoked_at IS NULL"
    "  RETURNING id, expires_at)"
    " INSERT INTO revoked_sessions (session_id, expires_at, revoked_at)"
    " SELECT id, expires_at, clock_timestamp() FROM r"
    " ON CONFLICT (session_id) DO NOTHING"};
constexpr db::Statement kRevokeAll{
    "session_revoke_all",
    "WITH r AS (UPDATE sessions SET revoked_at = now(), revoke_reason = $2"
    "  WHERE user_id = $1::uuid AND revoked_at IS NULL AND expires_at > now()"
    "  AND ($3 = '' OR id::text <> $3) RETURNING id, expires_at)"
    " INSERT INTO revoked_sessions (session_id, expires_at, revoked_at)"
    " SELECT id, expires_at, clock_timestamp() FROM r"
    " ON CONFLICT (session_id) DO NOTHING"};

// Both kinds of ending (see find_ended_since), each through its own index
// (revoked_sessions_xact_idx, sessions_expires_idx), and the cursor of the
// next call: the xmin of this statement's own snapshot (pg_current_snapshot()
// is the active snapshot, the one the scans read with) and the database's
// now().  The LEFT JOIN returns the cursor row even when nothing ended.
// $1: the previous xmin (NULL: none), $2: the previous now() in unix ms
// (0: none), $3: the horizon in unix ms (nothing at or before it matters).
constexpr db::Statement kEndedSince{
    "session_ended_since",
    "SELECT c.xact::text, c.at_ms, e.session_id, e.at_ms, e.expired"
    " FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xact,"
    "              floor(extract(epoch FROM now()) * 1000)::bigint AS at_ms) c"
    " LEFT JOIN ("
    "  SELECT session_id::text AS session_id,"
    "         floor(extract(epoch FROM revoked_at) * 1000)::bigint AS at_ms, false AS expired"
    "  FROM revoked_sessions"
    "  WHERE revoking_xact >= COALESCE($1::xid8, '0'::xid8)"
    "  AND revoked_at > to_timestamp($3::bigint / 1000.0)"
    "  UNION ALL"
    "  SELECT id::text, floor(extract(epoch FROM expires_at) * 1000)::bigint, true"
    "  FROM sessions"
    "  WHERE expires_at > to_timestamp(GREATEST($2::bigint, $3::bigint) / 1000.0)"
    "  AND expires_at <= now()"
    " ) e ON true"};
constexpr db::Statement kPurgeSessions{
    "purge_sessions", "DELETE FROM sessions WHERE expires_at < now() - interval '1 day'"};
constexpr db::Statement kPurgeRevoked{
    "purge_revoked",
    "DELETE FROM revoked_sessions WHERE revoked_at < now() - make_interval(secs => $1::int)"};

#undef AUTHD_SESSION_COLUMNS
#undef AUTHD_TS

Session session_from_row(const db::Rows& rows, int r) {
    Session s;
    s.id = rows.text(r, 0);
    s.user_id = rows.text(r, 1);
    s.created_at = rows.text(r, 2);
    s.last_used_at = rows.text(r, 3);
    s.expires_at = rows.text(r, 4);
    s.auth_time = rows.integer(r, 5);
    std::string_view amr = rows.text(r, 6);
    while (!amr.empty()) {
        size_t comma = amr.find(',');
        s.amr.emplace_back(amr.substr(0, comma));
        amr = comma == std::string_view::npos ? std::string_view() : amr.substr(comma + 1);
    }
    s.ip = rows.text(r, 7);
    s.user_agent = rows.text(r, 8);
    s.revoked = rows.boolean(r, 9);
    s.expired = rows.boolean(r, 10);
    s.expires_unix = rows.integer(r, 11);
    return s;
}

std::string token_hash_hex(std::string_view token) {
    return crypto::hex_encode(crypto::sha256(token));
}

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) {
        if (!out.empty()) out += ',';
        out += p;
    }
    return out;
}

Result<Secret> mint_refresh_token(db::Connection& db, const std::string& session_id) {
    Secret token(crypto::base64url_encode(crypto::random_bytes(32)));
    auto r = db.exec(kInsertToken, {token_hash_hex(token.reveal()), session_id});
    if (!r) return Unexpected{r.error()};
    return token;
}

}  // namespace

bool is_uuid(std::string_view t) {
    if (t.size() != 36) return false;
    for (size_t i = 0; i < t.size(); ++i) {
        const char c = t[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

Result<Issued> create_session(db::Transaction& tx, const NewSession& req) {
    db::Connection& db = tx.connection();
    auto rows = db.exec(kCreate, {req.user_id, std::to_string(req.ttl_seconds), join(req.amr),
                                  req.origin.ip, req.origin.user_agent});
    if (!rows) return Unexpected{rows.error()};
    Session s = session_from_row(*rows, 0);
    auto token = mint_refresh_token(db, s.id);
    if (!token) return Unexpected{token.error()};
    return Issued{std::move(s), std::move(*token)};
}

Result<std::optional<Session>> find_session(db::Connection& db, const std::string& session_id) {
    if (!is_uuid(session_id)) return std::optional<Session>();
    auto rows = db.exec(kFind, {session_id});
    if (!rows) return Unexpected{rows.error()};
    if (rows->empty()) return std::optional<Session>();
    return std::optional<Session>(session_from_row(*rows, 0));
}

Result<bool> lock_live_session(db::Transaction& tx, const std::string& session_id) {
    db::Connection& db = tx.connection();
    if (!is_uuid(session_id)) return false;
    auto rows = db.exec(kLockLive, {session_id});
    if (!rows) return Unexpected{rows.error()};
    return !rows->empty();
}

Result<std::vector<Session>> list_sessions(db::Connection& db, const std::string& user_id) {
    auto rows = db.exec(kList, {user_id});
    if (!rows) return Unexpected{rows.error()};
    std::vector<Session> out;
    out.reserve(static_cast<size_t>(rows->size()));
    for (int i = 0; i < rows->size(); ++i) out.push_back(session_from_row(*rows, i));
    return out;
}

Result<Rotation> rotate_refresh_token(db::Connection& db, std::string_view presented,
                                      int grace_seconds, const audit::Origin& origin) {
    const std::string hash = token_hash_hex(presented);
    auto tx = db::Transaction::begin(db);
    if (!tx) return Unexpected{tx.error()};
    Rotation out;
    auto owner = db.exec(kSessionOfToken, {hash});
    if (!owner) return Unexpected{owner.error()};
    if (owner->empty()) return out;  // unknown token
    if (auto r = db.exec(kLockSession, {std::string(owner->text(0, 0))}); !r) {
        return Unexpected{r.error()};
    }
    auto rows = db.exec(kLockToken, {hash, std::to_string(grace_seconds)});
    if (!rows) return Unexpected{rows.error()};
    if (rows->empty()) return out;  // deleted meanwhile
    out.session = session_from_row(*rows, 0);
    const bool spent = rows->boolean(0, 12);
    const bool within_grace = rows->boolean(0, 13);
    if (out.session.revoked || out.session.expired) return out;
    if (spent && !within_grace) {
        // NB: reuse after the window: revoke the session, so the thief and
        // the victim both lose it; the victim logs in again.
        auto revoked = revoke_session(*tx, out.session.id, {}, "refresh_reuse");
        if (!revoked) return Unexpected{revoked.error()};
        if (auto a = audit::record(db, "refresh_reuse_detected", out.session.user_id, origin,
                                   audit::session_detail(out.session.id));
            !a) {
            return Unexpected{a.error()};
        }
        if (auto c = tx->commit(); !c) return Unexpected{c.error()};
        metrics::count(metrics::Event::refresh_reuse_detected);
        out.outcome = RotateOutcome::reuse_revoked;
        return out;
    }
    if (!spent) {
        if (auto r = db.exec(kSpend, {hash}); !r) return Unexpected{r.error()};
    }
    auto token = mint_refresh_token(db, out.session.id);
    if (!token) return Unexpected{token.error()};
    if (auto r = db.exec(kTouch, {out.session.id}); !r) return Unexpected{r.error()};
    if (auto a = audit::record(db, "refresh", out.session.user_id, origin,
                               spent ? audit::detail({{"grace", true}}) : std::string());
        !a) {
        return Unexpected{a.error()};
    }
    if (auto c = tx->commit(); !c) return Unexpected{c.error()};
    metrics::count(metrics::Event::refresh_rotated);
    out.outcome = RotateOutcome::rotated;
    out.refresh_token = std::move(*token);
    out.in_grace = spent;
    return out;
}

Result<std::optional<std::string>> session_of_refresh_token(db::Connection& db,
                                                            std::string_view presented) {
    auto rows = db.exec(kSessionOfToken, {token_hash_hex(presented)});
    if (!rows) return Unexpected{rows.error()};
    if (rows->empty()) return std::optional<std::string>();
    return std::optional<std::string>(std::string(rows->text(0, 0)));
}

Result<bool> revoke_session(db::Transaction& tx, const std::string& session_id,
                            const std::string& user_id, std::string_view reason) {
    db::Connection& db = tx.connection();
    if (!is_uuid(session_id)) return false;
    auto r = db.exec(kRevoke, {session_id, user_id, std::string(reason)});
    if (!r) return Unexpected{r.error()};
    return r->affected() > 0;
}

Result<int64_t> revoke_all_sessions(db::Transaction& tx, const std::string& user_id,
                                    std::string_view reason, const std::string& keep) {
    db::Connection& db = tx.connection();
    auto r = db.exec(kRevokeAll, {user_id, std::string(reason), keep});
    if (!r) return Unexpected{r.error()};
    return r->affected();
}

Result<EndedSince> find_ended_since(db::Connection& db, const std::optional<EndedCursor>& after,
                                    int64_t horizon_ms) {
    const db::Param xact = after ? db::Param(after->xact) : std::nullopt;
    const std::string ended = std::to_string(after ? after->ended_ms : 0);
    auto rows = db.exec(kEndedSince, {xact, ended, std::to_string(horizon_ms)});
    if (!rows) return Unexpected{rows.error()};
    if (rows->empty()) return fail(ErrorCode::internal, "session_ended_since: no cursor row");
    EndedSince out;
    out.next = EndedCursor{std::string(rows->text(0, 0)), rows->integer(0, 1)};
    out.rows.reserve(static_cast<size_t>(rows->size()));
    for (int r = 0; r < rows->size(); ++r) {
        if (rows->is_null(r, 2)) continue;  // the cursor row of an empty answer
        out.rows.push_back(Revocation{std::string(rows->text(r, 2)), rows->integer(r, 3),
                                      rows->boolean(r, 4) ? Ending::expired : Ending::revoked});
    }
    return out;
}

Result<int64_t> purge_sessions(db::Connection& db, const Config::Tokens& tokens) {
    auto ended = db.exec(kPurgeSessions);
    if (!ended) return Unexpected{ended.error()};
    // A revocation matters while a token of its session may live.
    const std::string revoked_life = std::to_string(tokens.access_ttl + tokens.leeway + 3600);
    auto stale = db.exec(kPurgeRevoked, {revoked_life});
    if (!stale) return Unexpected{stale.error()};
    return ended->affected() + stale->affected();
}

}  // namespace authd::sessions
