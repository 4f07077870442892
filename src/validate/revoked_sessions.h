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
// a cache that can be evicted.  An entry is kept for the window in which a
// token of that session can still be accepted: access_ttl + leeway after
// the revocation, plus kMarginMs for clock differences between hosts and
// the database.
//
// Refresh cursor: the first query loads every revocation of the last
// window; later ones ask only for rows newer than the newest seen minus
// kOverlapMs.  revoked_at is the revoking transaction's start time and
// transactions commit out of order, so a row may become visible after a
// newer one; the overlap catches every revoking transaction that takes less
// than kOverlapMs from its start to its commit (they take milliseconds).
// Rows read twice are harmless: the set is a set.
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
    static constexpr int64_t kOverlapMs = 5000;
    static constexpr int64_t kMarginMs = 60000;

    // The window comes from access_ttl and leeway.
    explicit RevokedSessions(const Config::Tokens& tokens);

    // Brings the set up to date with Postgres, at `now_ms` (unix ms, the
    // wall clock: it is compared with the database's timestamps).  Does
    // nothing, successfully, when the last attempt (successful or not) was
    // less than kRefreshIntervalMs ago, so a Postgres outage costs at most
    // one failed attempt per interval, not one per request.  Otherwise runs
    // one query; on failure (`unavailable` while Postgres is unreachable)
    // the set stays as it was and last_refresh_ms() does not move.  Callers
    // judge the set's freshness by last_refresh_ms(), not by this result.
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
    // The exclusive lower bound (unix ms) of the next query's timestamps:
    // the newest row seen minus kOverlapMs, but never older than the window
    // (the first query: now_ms - window).
    int64_t query_after_ms(int64_t now_ms) const;
    // Merges the rows of a query run at `now_ms`: moves the cursor to the
    // newest row, adds the rows still inside the window (a session present
    // twice keeps its later time), and prunes every entry whose time is
    // older than now_ms - window (all of its tokens have expired).
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
    std::optional<int64_t> newest_ms_;  // the cursor: newest at_ms ever seen
    std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> entries_;
    std::set<std::pair<int64_t, std::string>> by_time_;  // (at_ms, session_id)
};

}  // namespace authd::validate
