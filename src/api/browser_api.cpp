// api/browser_api.cpp
#include "api/browser_api.h"

#include "api/services.h"
#include "http/redirect.h"
#include "json/writer.h"

namespace authd::api {

Answer redirect_after_login(Services& s, const Call& call) {
    std::string rd = http::query_param(call.request.query, "rd");
    const bool allowed = !rd.empty() && http::redirect_allowed(rd, s.config.http.redirect_hosts);
    http::Response r;
    r.status = 302;
    r.content_type.clear();
    r.add_header("Location", allowed ? rd : "/");
    if (!allowed && !rd.empty()) r.log_reason = "redirect_refused";
    return r;
}

Answer demo_echo(Services&, const Call& call) {
    static constexpr std::pair<std::string_view, std::string_view> kHeaders[] = {
        {"x-auth-user-id", "X-Auth-User-Id"},
        {"x-auth-email", "X-Auth-Email"},
        {"x-auth-name", "X-Auth-Name"},
        {"x-auth-mfa", "X-Auth-Mfa"},
        {"x-auth-session-id", "X-Auth-Session-Id"},
        {"x-auth-groups", "X-Auth-Groups"},  // only for a user in a group
    };
    json::Writer w;
    w.begin_object();
    for (const auto& [name, shown] : kHeaders) {
        if (const std::string* v = call.request.header(name)) w.key(shown).string(*v);
    }
    w.end_object();
    return http::json_response(200, std::move(w).str());
}

}  // namespace authd::api
