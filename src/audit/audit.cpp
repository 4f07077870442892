// audit/audit.cpp
#include "audit/audit.h"

#include "json/writer.h"

namespace authd::audit {
namespace {

constexpr db::Statement kInsert{
    "audit_insert",
    "INSERT INTO audit_events (event, user_id, ip, user_agent, request_id, detail)"
    " VALUES ($1, $2::uuid, NULLIF($3, '')::inet, NULLIF($4, ''), NULLIF($5, ''),"
    " NULLIF($6, '')::jsonb)"};

}  // namespace

std::string detail(std::initializer_list<std::pair<std::string_view, DetailValue>> fields) {
    json::Writer w;
    w.begin_object();
    for (const auto& [name, value] : fields) {
        w.key(name);
        if (const bool* b = std::get_if<bool>(&value)) {
            w.boolean(*b);
        } else {
            w.string(std::get<std::string_view>(value));
        }
    }
    w.end_object();
    return std::move(w).str();
}

std::string session_detail(std::string_view session_id) {
    return detail({{"session_id", session_id}});
}

Result<void> record(db::Connection& db, std::string_view event,
                    const std::optional<std::string>& user_id, const Origin& origin,
                    std::string_view detail) {
    auto r = db.exec(kInsert, {std::string(event), user_id, origin.ip, origin.user_agent,
                               origin.request_id, std::string(detail)});
    if (!r) return Unexpected{r.error()};
    return {};
}

}  // namespace authd::audit
