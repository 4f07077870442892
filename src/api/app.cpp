// api/app.cpp
//
// Order of the generic checks, each answering in the contract's error shape:
// 413 body too large, 404 unknown path, 405 wrong method (with Allow),
// the endpoint's rate limit when it has one before its body (every request
// counts),
// 415 a non-empty body that is not JSON, 400 INVALID_JSON; then the handler.
// Before all of them: /metrics from nginx's metrics listener
// (api/metrics_api.h).  Every request is counted in the host's metrics
// under its route's slot, "other" when no route matched.
#include "api/app.h"

#include <algorithm>

#include "api/metrics_api.h"
#include "api/routes.h"
#include "core/ascii.h"
#include "core/clock.h"
#include "metrics/shared_counters.h"

namespace authd::api {
namespace {

// NB: the one place a handler's refusal becomes a response, with the
// request id and the contract's error shape.
http::Response answer_of(Answer answer, const std::string& request_id) {
    if (!answer) return http::error_response(answer.error(), request_id);
    return std::move(*answer);
}

}  // namespace

bool is_json_media_type(std::string_view content_type) {
    std::string_view type = content_type.substr(0, content_type.find(';'));
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
    while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
    if (ascii_iequals(type, "application/json")) return true;
    size_t slash = type.find('/');
    return slash != std::string_view::npos && slash > 0 && type.size() > slash + 6 &&
           ascii_iequals(type.substr(type.size() - 5), "+json") &&
           type.find('/', slash + 1) == std::string_view::npos;
}

bool is_form_media_type(std::string_view content_type) {
    std::string_view type = content_type.substr(0, content_type.find(';'));
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
    return ascii_iequals(type, "application/x-www-form-urlencoded");
}

namespace {

// The request's Origin when it is on the CORS allow-list, else empty.
std::string allowed_origin(const Config& config, const http::Request& req) {
    const std::string* origin = req.header("origin");
    if (!origin) return {};
    const std::string o = ascii_lowered(*origin);
    const auto& list = config.http.cors_origins;
    return std::find(list.begin(), list.end(), o) != list.end() ? *origin : std::string();
}

void add_cors_headers(http::Response& r, const std::string& origin) {
    r.add_header("Access-Control-Allow-Origin", origin);
    r.add_header("Access-Control-Allow-Credentials", "true");
    r.add_header("Access-Control-Expose-Headers", "X-Request-Id, Retry-After, WWW-Authenticate");
    r.add_header("Vary", "Origin");
}

}  // namespace

http::Response App::handle(const http::Request& req) {
    const int64_t started = monotonic_us();
    size_t route_slot = metrics::kRouteOther;
    http::Response r = [&] {
        if (is_metrics_request(req)) {
            route_slot = metrics::kRouteMetrics;
            return serve_metrics(*services_, req);
        }
        const std::string origin = allowed_origin(services_->config, req);
        http::Response response = dispatch(req, origin, route_slot);
        if (!origin.empty()) add_cors_headers(response, origin);
        return response;
    }();
    metrics::observe_request(route_slot, r.status, monotonic_us() - started);
    return r;
}

http::Response App::dispatch(const http::Request& req, const std::string& cors_origin,
                             size_t& route_slot) {
    const std::string& rid = req.request_id;
    if (req.body_too_large) {
        return http::error_response(
            {413, "PAYLOAD_TOO_LARGE", "request body larger than 65536 bytes"}, rid);
    }
    auto match = http::find_route(routes(), req.method, req.path);
    if (match.route)
        route_slot = api::route_slot(static_cast<size_t>(match.route - routes().data()));
    if (!match.route && req.method == http::Method::options && !cors_origin.empty() &&
        !match.allow.empty()) {
        // A CORS preflight from an allowed origin.
        http::Response r = http::no_content();
        r.add_header("Access-Control-Allow-Methods", match.allow);
        r.add_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
        r.add_header("Access-Control-Max-Age", "600");
        return r;
    }
    if (!match.route) {
        if (match.allow.empty()) {
            return http::error_response({404, "NOT_FOUND", "no such resource"}, rid);
        }
        http::Response r = http::error_response(
            {405, "METHOD_NOT_ALLOWED", "method not allowed on this resource"}, rid);
        r.add_header("Allow", match.allow);
        return r;
    }
    const Endpoint& endpoint = match.route->handler;
    if (endpoint.limit) {
        if (auto limited = over_limit_before_body(*services_, *endpoint.limit, req)) {
            return http::error_response(*limited, rid);
        }
    }
    if (endpoint.own_body) {
        auto none = json::parse_object("{}");
        if (!none) return http::from_error(none.error(), rid);
        return answer_of(endpoint.handle(*services_, Call{req, *none, match.param}), rid);
    }
    if (endpoint.form_body) {
        if (!req.body.empty() && !is_form_media_type(req.content_type)) {
            return http::error_response({415, "UNSUPPORTED_MEDIA_TYPE",
                                         "request body must be application/x-www-form-urlencoded"},
                                        rid);
        }
    } else if (!req.body.empty() && !is_json_media_type(req.content_type)) {
        return http::error_response(
            {415, "UNSUPPORTED_MEDIA_TYPE", "request body must be application/json"}, rid);
    }
    auto body = json::parse_object(req.body.empty() || endpoint.form_body ? std::string_view("{}")
                                                                          : req.body);
    if (!body) {
        http::ApiError e{400, "INVALID_JSON", "request body is not a valid JSON object"};
        e.log_reason = body.error().detail;
        return http::error_response(e, rid);
    }
    return answer_of(endpoint.handle(*services_, Call{req, *body, match.param}), rid);
}

}  // namespace authd::api
