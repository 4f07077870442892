// http/request.cpp
//
// Method names and header lookups for Request.
#include "http/request.h"

namespace authd::http {

Method parse_method(std::string_view text) {
    static constexpr std::pair<std::string_view, Method> kMethods[] = {
        {"GET", Method::get},         {"HEAD", Method::head},   {"POST", Method::post},
        {"PUT", Method::put},         {"PATCH", Method::patch}, {"DELETE", Method::del},
        {"OPTIONS", Method::options},
    };
    for (const auto& [name, m] : kMethods) {
        if (text == name) return m;
    }
    return Method::other;
}

std::string_view method_name(Method m) {
    switch (m) {
        case Method::get:
            return "GET";
        case Method::head:
            return "HEAD";
        case Method::post:
            return "POST";
        case Method::put:
            return "PUT";
        case Method::patch:
            return "PATCH";
        case Method::del:
            return "DELETE";
        case Method::options:
            return "OPTIONS";
        case Method::other:
            break;
    }
    return "OTHER";
}

const std::string* Request::header(std::string_view name) const {
    auto it = headers.find(std::string(name));
    return it == headers.end() ? nullptr : &it->second;
}

const std::string* Request::param(std::string_view name) const {
    auto it = params.find(name);
    return it == params.end() ? nullptr : &it->second;
}

}  // namespace authd::http
