// fuzz/fuzz_redirect.cpp
//
// The redirect allow-list (GET /auth/redirect, the login page's rd) on any
// URL.  An allowed URL must be an absolute http(s) URL (scheme in any
// case) whose host, read the plain way (up to the first '/', '?', '#' or
// ':' after "//"), is on the list, with no userinfo, backslash, whitespace
// or control character anywhere: whatever a browser would make of it, it
// goes to a listed host.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/origin.h"
#include "http/redirect.h"

namespace {

bool plainly_on_list(std::string_view url, const std::vector<std::string>& hosts) {
    std::string lower(url.substr(0, 8));
    for (char& ch : lower) {
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
    std::string_view rest;
    if (lower.starts_with("http://")) {
        rest = url.substr(7);
    } else if (lower.starts_with("https://")) {
        rest = url.substr(8);
    } else {
        return false;
    }
    for (char ch : url) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c == 0x7f || c == '\\') return false;
    }
    const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    if (authority.find('@') != std::string_view::npos) return false;
    const std::string_view host = authority.substr(0, authority.find(':'));
    for (const std::string& listed : hosts) {
        if (host.size() != listed.size()) continue;
        bool same = true;
        for (size_t i = 0; i < host.size(); ++i) {
            char a = host[i];
            if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
            if (a != listed[i]) same = false;
        }
        if (same) return true;
    }
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view url(reinterpret_cast<const char*>(data), size);
    static const std::vector<std::string> hosts = {"127.0.0.1", "localhost", "app.example.com"};
    if (authd::http::redirect_allowed(url, hosts) && !plainly_on_list(url, hosts)) std::abort();
    (void)authd::origin_of(url);
    return 0;
}
