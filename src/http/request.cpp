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

std::optional<std::string> bearer_token(const Request& request) {
    const std::string* auth = request.header("authorization");
    if (!auth) return std::nullopt;
    std::string_view v = *auth;
    if (v.size() < 7) return std::string();
    std::string scheme(v.substr(0, 7));
    for (char& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    if (scheme != "bearer ") return std::string();
    v.remove_prefix(7);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    return std::string(v);
}

}  // namespace authd::http
