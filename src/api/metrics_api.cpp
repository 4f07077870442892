// api/metrics_api.cpp
//
// The route slots follow the route table: slot kFirstApiRoute + i is the
// i-th route's pattern unless an earlier route has the same pattern.  The
// table is data compiled in, so the slots are the same in every worker of
// every generation, and a reload keeps each count under its route.
#include "api/metrics_api.h"

#include <array>
#include <string_view>

#include "api/routes.h"
#include "core/clock.h"
#include "mail/outbox.h"
#include "metrics/exposition.h"
#include "metrics/shared_counters.h"

#ifndef AUTHD_VERSION
#define AUTHD_VERSION "unknown"
#endif

namespace authd::api {
namespace {

std::array<std::string_view, metrics::kRouteSlots> route_names() {
    std::array<std::string_view, metrics::kRouteSlots> names{};
    names[metrics::kRouteOther] = "other";
    names[metrics::kRouteValidate] = "/auth/validate";
    names[metrics::kRouteMetrics] = "/metrics";
    const auto table = routes();
    for (size_t i = 0; i < table.size(); ++i) {
        const size_t slot = route_slot(i);
        if (slot != metrics::kRouteOther) names[slot] = table[i].pattern;
    }
    return names;
}

}  // namespace

bool is_metrics_request(const http::Request& request) {
    const std::string* listener = request.param("AUTHD_METRICS_LISTENER");
    return request.path == "/metrics" && listener && *listener == "on";
}

size_t route_slot(size_t index) {
    const auto table = routes();
    if (index >= table.size()) return metrics::kRouteOther;
    size_t first = index;
    for (size_t i = 0; i < index; ++i) {
        if (table[i].pattern == table[index].pattern) {
            first = i;
            break;
        }
    }
    const size_t slot = metrics::kFirstApiRoute + first;
    return slot < metrics::kRouteSlots ? slot : metrics::kRouteOther;
}

http::Response serve_metrics(Services& services, const http::Request& request) {
    if (request.method != http::Method::get && request.method != http::Method::head) {
        http::Response r = http::error_response(
            {405, "METHOD_NOT_ALLOWED", "method not allowed on this resource"}, request.request_id);
        r.add_header("Allow", "GET, HEAD");
        return r;
    }
    const metrics::Counters* counters = metrics::installed();
    if (!counters) {
        return http::error_response({503, "SERVICE_UNAVAILABLE", "no metrics table"},
                                    request.request_id);
    }
    metrics::ScrapeValues values{.version = AUTHD_VERSION};
    // Postgres down: the depth is left out rather than reported as 0.
    if (auto depth = mail::count_pending(services.db)) values.outbox_depth = *depth;
    const int64_t age = metrics::oldest_revoked_set_age_ms(*counters, wall_clock_ms());
    if (age >= 0) values.revoked_set_age_ms = age;
    const auto names = route_names();
    http::Response r;
    r.status = 200;
    r.content_type = std::string(metrics::kContentType);
    r.body = metrics::write_exposition(*counters, names, values);
    r.routine = true;
    return r;
}

}  // namespace authd::api
