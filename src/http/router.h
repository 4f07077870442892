// http/router.h
//
// Route matching.  A route table is data: an array of {method, pattern,
// handler}.  A pattern is a literal path whose segments may be a single
// `{name}` placeholder that matches one non-empty segment.  A path that
// matches some pattern but no route's method is a 405, with the Allow list
// built from the routes that do match; HEAD is allowed wherever GET is.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "http/request.h"

namespace authd::http {

// True when `path` matches `pattern`; the text of the placeholder segment,
// if any, goes to *param.
bool match_path(std::string_view pattern, std::string_view path, std::string* param);

template <typename Handler>
struct Route {
    Method method;
    std::string_view pattern;
    Handler handler;
};

template <typename Handler>
struct RouteMatch {
    const Route<Handler>* route = nullptr;  // null: 404 or 405
    std::string allow;                      // non-empty: 405 with this Allow
    std::string param;
};

template <typename Handler>
RouteMatch<Handler> find_route(std::span<const Route<Handler>> routes, Method method,
                               std::string_view path) {
    RouteMatch<Handler> m;
    bool get_matched = false;
    for (const auto& r : routes) {
        std::string param;
        if (!match_path(r.pattern, path, &param)) continue;
        if (r.method == method || (method == Method::head && r.method == Method::get)) {
            if (!m.route || r.method == method) {
                m.route = &r;
                m.param = std::move(param);
            }
        }
        if (r.method == Method::get) get_matched = true;
        if (!m.allow.empty()) m.allow += ", ";
        m.allow += method_name(r.method);
    }
    if (m.route) {
        m.allow.clear();
    } else if (get_matched) {
        m.allow += ", HEAD";
    }
    return m;
}

}  // namespace authd::http
