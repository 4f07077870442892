// http/redirect.cpp
#include "http/redirect.h"

#include <algorithm>
#include <string>

#include "core/ascii.h"

namespace authd::http {
namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
        if (ascii_lower(s[i]) != prefix[i]) return false;
    }
    return true;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

bool redirect_allowed(std::string_view url, const std::vector<std::string>& allowed_hosts) {
    // Anything a browser might normalise differently is refused outright.
    for (unsigned char c : url) {
        if (c <= 0x20 || c == 0x7f || c == '\\' || c >= 0x80) return false;
    }
    std::string_view rest;
    if (starts_with_ci(url, "https://")) {
        rest = url.substr(8);
    } else if (starts_with_ci(url, "http://")) {
        rest = url.substr(7);
    } else {
        return false;
    }
    const size_t end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, end);
    if (authority.empty() || authority.find('@') != std::string_view::npos ||
        authority.find('%') != std::string_view::npos) {
        return false;
    }
    std::string_view host = authority;
    if (host.front() == '[') {
        const size_t close = host.find(']');
        if (close == std::string_view::npos) return false;
        std::string_view after = host.substr(close + 1);
        host = host.substr(0, close + 1);
        if (!after.empty() && after.front() != ':') return false;
        authority = after;
    } else {
        const size_t colon = host.find(':');
        authority = colon == std::string_view::npos ? std::string_view() : host.substr(colon);
        host = host.substr(0, colon);
    }
    if (!authority.empty()) {  // ":port"
        std::string_view port = authority.substr(1);
        if (port.empty() || port.size() > 5 ||
            !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
            std::stoi(std::string(port)) > 65535) {
            return false;
        }
    }
    const std::string lowered = ascii_lowered(host);
    if (!lowered.empty() && lowered.back() == '.') return false;
    return std::find(allowed_hosts.begin(), allowed_hosts.end(), lowered) != allowed_hosts.end();
}

std::string percent_encode(std::string_view text) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                                c == '~';
        if (unreserved) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::string percent_decode_query(std::string_view text, bool* ok) {
    std::string out;
    *ok = true;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out += ' ';
        } else if (text[i] == '%') {
            const int hi = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
            const int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                *ok = false;
                return {};
            }
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string query_param(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        const size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        const size_t eq = pair.find('=');
        if (pair.substr(0, eq) != name) continue;
        if (eq == std::string_view::npos) return {};
        bool ok = false;
        std::string value = percent_decode_query(pair.substr(eq + 1), &ok);
        return ok ? value : std::string();
    }
    return {};
}

}  // namespace authd::http
