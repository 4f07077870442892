// api/health.cpp
#include "api/health.h"

#include "api/services.h"
#include "json/writer.h"

namespace authd::api {
namespace {

constexpr db::Statement kPing{"health_ping", "SELECT 1"};

}  // namespace

Answer check_health(Services& services, const Call&) {
    // NB: exec() reconnects and retries once, so the first check after a
    // Postgres restart already reports "ok".
    auto db = services.db.exec(kPing);
    bool cache_ok = services.cache.ping();
    const char* status = !db ? "down" : cache_ok ? "ok" : "degraded";

    json::Writer w;
    w.begin_object();
    w.key("status").string(status);
    w.key("checks").begin_object();
    w.key("database").string(db ? "ok" : "down");
    w.key("cache").string(cache_ok ? "ok" : "down");
    w.end_object();
    w.end_object();
    http::Response r = http::json_response(db ? 200 : 503, std::move(w).str());
    if (!db) r.log_reason = db.error().detail;
    return r;
}

}  // namespace authd::api
