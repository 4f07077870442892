// audit/audit.cpp
#include "audit/audit.h"

#include "core/utf8.h"
#include "json/writer.h"

namespace authd::audit {
namespace {

constexpr db::Statement kInsert{
    "audit_insert",
    "INSERT INTO audit_events (event, user_id, ip, user_agent, request_id, detail)"
    " VALUES ($1, $2::uuid, NULLIF($3, '')::inet, NULLIF($4, ''), NULLIF($5, ''),"
    " NULLIF($6, '')::jsonb)"};

}  // namespace

Origin origin_of(const http::Request& request) {
    const std::string* ua = request.header("user-agent");
    // Cap what a client controls before it is stored.
    std::string agent = ua ? to_valid_utf8(std::string_view(*ua).substr(0, 512)) : std::string();
    return {request.remote_addr, std::move(agent), request.request_id};
}

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
    if (!r) return Unexpected<Error>{r.error()};
    return {};
}

}  // namespace authd::audit
