// http/cookie.cpp
#include "http/cookie.h"

namespace authd::http {

std::optional<std::string> find_cookie(const Request& request, std::string_view name) {
    const std::string* header = request.header("cookie");
    if (!header) return std::nullopt;
    std::string_view rest = *header;
    while (!rest.empty()) {
        size_t semi = rest.find(';');
        std::string_view pair = rest.substr(0, semi);
        rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
        while (!pair.empty() && (pair.front() == ' ' || pair.front() == '\t'))
            pair.remove_prefix(1);
        size_t eq = pair.find('=');
        if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
        std::string_view value = pair.substr(eq + 1);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
            value.remove_suffix(1);
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        return std::string(value);
    }
    return std::nullopt;
}

std::string set_cookie_value(const CookieSpec& spec) {
    std::string out;
    out.append(spec.name).append("=").append(spec.value);
    out.append("; Path=").append(spec.path);
    if (!spec.domain.empty()) out.append("; Domain=").append(spec.domain);
    if (spec.max_age >= 0) out.append("; Max-Age=").append(std::to_string(spec.max_age));
    out.append("; HttpOnly; Secure");
    if (!spec.same_site.empty()) out.append("; SameSite=").append(spec.same_site);
    return out;
}

}  // namespace authd::http
