// audit/audit_log.cpp
#include "audit/audit_log.h"

#include <algorithm>

namespace authd::audit {
namespace {

#define AUTHD_AUDIT_SELECT                                                                  \
    "SELECT a.id, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"      \
    " a.event, a.user_id::text, u.email, COALESCE(host(a.ip), ''),"                         \
    " COALESCE(a.user_agent, ''), COALESCE(a.request_id, ''), COALESCE(a.detail::text, '')" \
    " FROM audit_events a LEFT JOIN users u ON u.id = a.user_id"                            \
    " WHERE ($1::uuid IS NULL OR a.user_id = $1::uuid) AND ($2 = '' OR a.event = $2)"       \
    " AND ($3::bigint = 0 OR a.at >= now() - make_interval(secs => $3::bigint))"

constexpr db::Statement kNewestId{"audit_newest_id",
                                  "SELECT COALESCE(max(id), 0) FROM audit_events"};
constexpr db::Statement kNewest{
    "audit_newest", AUTHD_AUDIT_SELECT " AND a.id <= $4::bigint ORDER BY a.id DESC LIMIT $5::int"};
constexpr db::Statement kAfter{
    "audit_after", AUTHD_AUDIT_SELECT " AND a.id > $4::bigint ORDER BY a.id LIMIT $5::int"};

#undef AUTHD_AUDIT_SELECT

Result<std::vector<Entry>> read(db::Connection& db, const db::Statement& statement,
                                const Filter& filter, int64_t id, int limit) {
    auto rows =
        db.exec(statement, {filter.user_id, filter.event, std::to_string(filter.since_seconds),
                            std::to_string(id), std::to_string(limit)});
    if (!rows) return Unexpected{rows.error()};
    std::vector<Entry> out;
    out.reserve(static_cast<size_t>(rows->size()));
    for (int r = 0; r < rows->size(); ++r) {
        Entry e;
        e.id = rows->integer(r, 0);
        e.at = std::string(rows->text(r, 1));
        e.event = std::string(rows->text(r, 2));
        if (!rows->is_null(r, 3)) e.user_id = std::string(rows->text(r, 3));
        if (!rows->is_null(r, 4)) e.email = std::string(rows->text(r, 4));
        e.ip = std::string(rows->text(r, 5));
        e.user_agent = std::string(rows->text(r, 6));
        e.request_id = std::string(rows->text(r, 7));
        e.detail = std::string(rows->text(r, 8));
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace

Result<int64_t> newest_id(db::Connection& db) {
    auto rows = db.exec(kNewestId);
    if (!rows) return Unexpected{rows.error()};
    return rows->integer(0, 0);
}

Result<std::vector<Entry>> newest_entries(db::Connection& db, const Filter& filter, int64_t up_to,
                                          int limit) {
    auto entries = read(db, kNewest, filter, up_to, limit);
    if (entries) std::reverse(entries->begin(), entries->end());
    return entries;
}

Result<std::vector<Entry>> entries_after(db::Connection& db, const Filter& filter, int64_t after,
                                         int limit) {
    return read(db, kAfter, filter, after, limit);
}

}  // namespace authd::audit
