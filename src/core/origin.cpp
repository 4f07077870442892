// core/origin.cpp
#include "core/origin.h"

#include <algorithm>

#include "core/ascii.h"

namespace authd {
namespace {

// The host of a Host header or authority, without the port and brackets.
std::string_view host_part(std::string_view authority) {
    if (!authority.empty() && authority.front() == '[') {
        const size_t close = authority.find(']');
        return close == std::string_view::npos ? std::string_view()
                                               : authority.substr(1, close - 1);
    }
    return authority.substr(0, authority.find(':'));
}

}  // namespace

std::optional<std::string> origin_of(std::string_view url) {
    const std::string lower = ascii_lowered(url.substr(0, std::min<size_t>(url.size(), 8)));
    std::string_view scheme;
    if (lower.starts_with("https://")) {
        scheme = "https";
    } else if (lower.starts_with("http://")) {
        scheme = "http";
    } else {
        return std::nullopt;
    }
    std::string_view rest = url.substr(scheme.size() + 3);
    std::string authority = ascii_lowered(rest.substr(0, rest.find_first_of("/?#")));
    if (authority.empty() || authority.find('@') != std::string::npos ||
        host_part(authority).empty()) {
        return std::nullopt;
    }
    const std::string_view default_port = scheme == "https" ? ":443" : ":80";
    if (authority.ends_with(default_port)) authority.resize(authority.size() - default_port.size());
    return std::string(scheme) + "://" + authority;
}

bool is_loopback_host(std::string_view host) {
    const std::string name = ascii_lowered(host_part(host));
    if (name == "localhost" || name.ends_with(".localhost") || name == "::1") return true;
    // 127.0.0.0/8, written as a dotted quad.
    if (!name.starts_with("127.")) return false;
    int dots = 0;
    for (char c : name) {
        if (c == '.') {
            ++dots;
        } else if (c < '0' || c > '9') {
            return false;
        }
    }
    return dots == 3;
}

}  // namespace authd
