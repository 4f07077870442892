// validate/revoked_sessions.h
//
// A validate worker's in-memory set of the sessions whose access tokens must
// be refused although their signature and exp are fine: sessions revoked
// (logout, session delete, refresh reuse, password reset or change, account
// deletion: every one writes a revoked_sessions row in its own transaction)
// and sessions that reached their fixed end (sessions.expires_at) while
// tokens minted before it are still within their exp.
//
// Postgres is the truth; the set is refreshed from it with one indexed
// query (sessions::find_ended_since) at most every kRefreshIntervalMs, so
// a revocation is seen by every worker within about half a second of its
// commit, without a database round trip per request and without trusting
// a cache that can be evicted.
//
// How long an entry is kept: a revocation's time is stamped after the
// revoking statement held the session's row, so every token of the session
// was minted before it (sessions/session_store.cpp, kRevoke); and a token
// is accepted at most [tokens] access_ttl after its iat, whatever its exp
// says (sessions::verify_access_token), so one minted under a longer
// access_ttl, before a reload lowered it, lives no longer than the current
// one either.  Hence an entry is kept for access_ttl + leeway after its
// time, plus kMarginMs for the moment a token is minted after its
// transaction commits and for clock differences between hosts and the
// database; past that every token of the session is refused as expired.
// The window is the current configuration's on both sides: the set and
// the acceptance of tokens change together, at the reload.
//
// The refresh cursor, and why no revocation can be missed: every row
// carries the id of the transaction that wrote it (revoking_xact), and
// every query returns, besides its rows, the xmin of its own snapshot: the
// oldest transaction still running when the snapshot was taken.  The next
// query asks for the rows of every transaction from that xmin on.  Let a
// revocation be written by transaction T, and let Q be the first query
// whose snapshot sees T committed, P the successful query before it.  P's
// snapshot did not see T committed, so when it was taken T was either
// running, and then T >= xmin(P), xmin being the oldest running; or had no
// transaction id yet, and then T >= xmax(P) >= xmin(P), ids being handed
// out in increasing order.  Either way Q's condition (revoking_xact >=
// xmin(P)) holds and Q returns the row.  The first query has no xid bound
// (only the window's), and a failed query leaves the cursor where it was.
// Nothing here depends on how long T stays open between its write and its
// commit, nor on any clock: a revoking transaction held open for minutes
// is seen on the first refresh after its commit.  The cost: while some
// transaction in the cluster stays open, the rows of the transactions
// after it are read again on every refresh (bounded by the window, and
// harmless: the set is a set).
//
// Session ends have their own cursor, the database's now() at the
// previous query: an end that passed between two queries is in the
// second's range.  (A session row must commit before its end, which its
// login transaction does by a wide margin: sessions last hours.)  Each
// query reaches kEndOverlapMs further back, for an end an operator wrote
// into the recent past by hand (UPDATE sessions SET expires_at = now()),
// whose transaction may commit after a query that began later than it.
//
// Single-threaded, like the worker that owns it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/config.h"
#include "core/result.h"
#include "db/connection.h"
#include "sessions/session_store.h"

namespace authd::validate {

// One row of the refresh query, and why its session is in the set.
using sessions::Ending;
using sessions::Revocation;

class RevokedSessions {
public:
    static constexpr int64_t kRefreshIntervalMs = 500;
    static constexpr int64_t kMarginMs = 60000;
    static constexpr int64_t kEndOverlapMs = 5000;

    // The window comes from access_ttl and leeway.
    explicit RevokedSessions(const Config::Tokens& tokens);

    // Brings the set up to date with Postgres, at `now_ms` (unix ms, the
    // wall clock: it is compared with the database's timestamps).  Does
    // nothing, successfully, when the last attempt (successful or not) was
    // less than kRefreshIntervalMs ago, so a Postgres outage costs at most
    // one failed attempt per interval, not one per request.  Otherwise runs
    // one query; on failure (`unavailable` while Postgres is unreachable)
    // the set and its cursor stay as they were and last_refresh_ms() does
    // not move.  Callers judge the set's freshness by last_refresh_ms(),
    // not by this result.
    Result<void> refresh(db::Connection& db, int64_t now_ms);

    bool contains(std::string_view session_id) const { return find(session_id).has_value(); }
    // Why the session is in the set, if it is.
    std::optional<Ending> find(std::string_view session_id) const;

    // When the last successful refresh ran (its `now_ms`); 0 before the first.
    int64_t last_refresh_ms() const { return last_refresh_ms_; }
    size_t size() const { return entries_.size(); }
    int64_t window_ms() const { return window_ms_; }

    // The pure steps of refresh(), public so that they can be tested
    // without Postgres.
    //
    // True when refresh() would query at `now_ms`: never attempted, the
    // last attempt kRefreshIntervalMs or more ago, or the clock went back.
    bool refresh_due(int64_t now_ms) const;
    // The oldest time (unix ms, exclusive) an entry may have at `now_ms`:
    // now_ms - window.  Older rows are not asked for and not kept.
    int64_t horizon_ms(int64_t now_ms) const { return now_ms - window_ms_; }
    // Merges the rows of a query run at `now_ms`: adds the rows still inside
    // the window (a session present twice keeps its later time), and prunes
    // every entry whose time is older than the horizon (all of its tokens
    // have expired).
    void apply(std::span<const Revocation> rows, int64_t now_ms);
    // Records a successful refresh at `now_ms` (refresh() does this after
    // apply(); tests call it to move the clock).
    void mark_refreshed(int64_t now_ms);

private:
    struct Entry {
        int64_t at_ms;
        Ending ending;
    };
    struct StringHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };

    void prune(int64_t now_ms);

    int64_t window_ms_;
    int64_t last_refresh_ms_ = 0;
    int64_t last_attempt_ms_ = 0;
    std::optional<sessions::EndedCursor> cursor_;  // nullopt until the first success
    std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> entries_;
    std::set<std::pair<int64_t, std::string>> by_time_;  // (at_ms, session_id)
};

}  // namespace authd::validate
