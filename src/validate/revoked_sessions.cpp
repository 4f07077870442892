// validate/revoked_sessions.cpp
//
// The set is a hash map from session id to (time, why) for the lookup of
// every request, plus an ordered set of (time, id) so that pruning the
// entries that left the window costs only what it removes.  Both always
// hold the same ids.
//
// The refresh query itself (both kinds of ending, each through its own
// index, and the cursor of the next one) belongs to the sessions it reads:
// sessions::find_ended_since.  The cursor is Postgres's, not a time this
// file computes (the proof is in the header).
#include "validate/revoked_sessions.h"

#include <algorithm>

namespace authd::validate {

RevokedSessions::RevokedSessions(const Config::Tokens& tokens)
    : window_ms_((static_cast<int64_t>(tokens.access_ttl) + tokens.leeway) * 1000 + kMarginMs) {}

std::optional<Ending> RevokedSessions::find(std::string_view session_id) const {
    auto it = entries_.find(session_id);
    if (it == entries_.end()) return std::nullopt;
    return it->second.ending;
}

bool RevokedSessions::refresh_due(int64_t now_ms) const {
    return last_attempt_ms_ == 0 || now_ms < last_attempt_ms_ ||
           now_ms - last_attempt_ms_ >= kRefreshIntervalMs;
}

void RevokedSessions::apply(std::span<const Revocation> rows, int64_t now_ms) {
    const int64_t horizon = horizon_ms(now_ms);
    for (const Revocation& row : rows) {
        if (row.at_ms < horizon) continue;
        auto it = entries_.find(row.session_id);
        if (it != entries_.end()) {
            if (it->second.at_ms >= row.at_ms) continue;
            by_time_.erase({it->second.at_ms, it->first});
            it->second = Entry{row.at_ms, row.ending};
        } else {
            entries_.emplace(row.session_id, Entry{row.at_ms, row.ending});
        }
        by_time_.emplace(row.at_ms, row.session_id);
    }
    prune(now_ms);
}

void RevokedSessions::prune(int64_t now_ms) {
    const int64_t horizon = horizon_ms(now_ms);
    while (!by_time_.empty() && by_time_.begin()->first < horizon) {
        entries_.erase(by_time_.begin()->second);
        by_time_.erase(by_time_.begin());
    }
}

void RevokedSessions::mark_refreshed(int64_t now_ms) {
    last_attempt_ms_ = now_ms;
    last_refresh_ms_ = now_ms;
}

Result<void> RevokedSessions::refresh(db::Connection& db, int64_t now_ms) {
    if (!refresh_due(now_ms)) return {};
    last_attempt_ms_ = now_ms;
    std::optional<sessions::EndedCursor> after = cursor_;
    if (after) after->ended_ms -= kEndOverlapMs;
    auto found = sessions::find_ended_since(db, after, horizon_ms(now_ms));
    if (!found) return Unexpected{found.error()};
    apply(found->rows, now_ms);
    cursor_ = std::move(found->next);
    mark_refreshed(now_ms);
    return {};
}

}  // namespace authd::validate
