// server/fcgi_params.cpp
#include "server/fcgi_params.h"

#include <limits>
#include <string>

#include "core/ascii.h"

namespace authd::server {
namespace {

std::string header_name(std::string_view env_name) {
    std::string out;
    out.reserve(env_name.size());
    for (char ch : env_name) {
        out += ch == '_' ? '-' : ascii_lower(ch);
    }
    return out;
}

std::size_t parse_length(std::string_view text) {
    constexpr std::size_t kMax = std::numeric_limits<std::size_t>::max();
    if (text.empty()) return 0;
    std::size_t n = 0;
    for (char ch : text) {
        if (ch < '0' || ch > '9') return 0;
        const auto digit = static_cast<std::size_t>(ch - '0');
        if (n > (kMax - digit) / 10) return kMax;
        n = n * 10 + digit;
    }
    return n;
}

}  // namespace

void add_fcgi_param(http::Request& r, std::string_view kv, std::size_t& content_length) {
    const std::size_t eq = kv.find('=');
    if (eq == std::string_view::npos) return;
    const std::string_view name = kv.substr(0, eq);
    const std::string_view value = kv.substr(eq + 1);
    if (name.starts_with("HTTP_")) {
        r.headers[header_name(name.substr(5))] = std::string(value);
    } else if (name == "REQUEST_METHOD") {
        r.method_text = std::string(value);
        r.method = http::parse_method(value);
    } else if (name == "DOCUMENT_URI") {
        r.path = std::string(value);
    } else if (name == "QUERY_STRING") {
        r.query = std::string(value);
    } else if (name == "REQUEST_ID") {
        r.request_id = std::string(value);
    } else if (name == "REMOTE_ADDR") {
        r.remote_addr = std::string(value);
    } else if (name == "CONTENT_TYPE") {
        r.content_type = std::string(value);
    } else if (name == "CONTENT_LENGTH") {
        content_length = parse_length(value);
    } else {
        r.params[std::string(name)] = std::string(value);
    }
}

}  // namespace authd::server
