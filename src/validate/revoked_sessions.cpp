// validate/revoked_sessions.cpp
//
// The set is a hash map from session id to (time, why) for the lookup of
// every request, plus an ordered set of (time, id) so that pruning the
// entries that left the window costs only what it removes.  Both always
// hold the same ids.
//
// The refresh query itself (both kinds of ending, each through its own
// index) belongs to the sessions it reads: sessions::find_ended_since.  The
// cursor is the newest time seen in either kind; a session end is only
// visible once it is in the past, and every query asks for everything after
// the previous cursor minus the overlap, so no end that passed between two
// queries is skipped.
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

int64_t RevokedSessions::query_after_ms(int64_t now_ms) const {
    const int64_t horizon = now_ms - window_ms_;
    if (!newest_ms_) return horizon;
    return std::max(*newest_ms_ - kOverlapMs, horizon);
}

void RevokedSessions::apply(std::span<const Revocation> rows, int64_t now_ms) {
    const int64_t horizon = now_ms - window_ms_;
    for (const Revocation& row : rows) {
        newest_ms_ = newest_ms_ ? std::max(*newest_ms_, row.at_ms) : row.at_ms;
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
    const int64_t horizon = now_ms - window_ms_;
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
    auto found = sessions::find_ended_since(db, query_after_ms(now_ms));
    if (!found) return Unexpected{found.error()};
    apply(*found, now_ms);
    mark_refreshed(now_ms);
    return {};
}

}  // namespace authd::validate
