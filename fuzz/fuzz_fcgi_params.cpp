// fuzz/fuzz_fcgi_params.cpp
//
// FastCGI params to the request the handlers see: any NUL-separated list of
// NAME=value pairs a FastCGI peer could send, then what every request meets
// before its handler (the API routes, the credentials).  The builder must
// keep nginx's facts apart from client headers: no HTTP_ param may set the
// method, path or client address.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/credentials.h"
#include "server/fcgi_params.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace authd;
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    http::Request request;
    std::size_t content_length = 0;
    bool nginx_facts = false;
    while (!rest.empty()) {
        const size_t end = rest.find('\0');
        const std::string_view param = rest.substr(0, end);
        if (!param.starts_with("HTTP_") && param.find('=') != std::string_view::npos) {
            nginx_facts = true;
        }
        server::add_fcgi_param(request, param, content_length);
        if (end == std::string_view::npos) break;
        rest.remove_prefix(end + 1);
    }
    if (!nginx_facts && (!request.path.empty() || !request.remote_addr.empty() ||
                         !request.method_text.empty() || content_length != 0)) {
        std::abort();  // a client header turned into one of nginx's facts
    }
    for (const auto& [name, value] : request.headers) {
        for (char ch : name) {
            if (ch >= 'A' && ch <= 'Z') std::abort();  // header names are lower-case
        }
    }
    (void)http::find_access_token(request);
    return 0;
}
