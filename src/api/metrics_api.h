// api/metrics_api.h
//
// GET /metrics: the host's metrics (metrics/exposition.h), answered only on
// nginx's metrics listener, which marks its requests with the FastCGI param
// AUTHD_METRICS_LISTENER=on.  Anywhere else /metrics is an unknown path
// (404), so a public server block that forgets to keep it out still does
// not expose it.  The path is not in the route table for the same reason:
// a POST /metrics on a public port stays a 404, not a 405.
#pragma once

#include <cstddef>
#include <optional>

#include "api/services.h"
#include "http/request.h"
#include "http/response.h"

namespace authd::api {

// True when the request is for /metrics and came through the metrics
// listener.
bool is_metrics_request(const http::Request& request);

// The exposition (200, GET and HEAD) or 405 for another method.
http::Response serve_metrics(Services& services, const http::Request& request);

// The metrics route slot (metrics/counters.h) of the route at `index` of
// routes(): routes with the same pattern share the slot of the first.
size_t route_slot(size_t index);

}  // namespace authd::api
