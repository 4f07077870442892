// fuzz/fuzz_credentials.cpp
//
// The Cookie and Authorization parsers on any header values a client could
// send.  Input: the Cookie value, a newline, the Authorization value (the
// second part absent when there is no newline).  What they find must come
// from the headers: a found token or cookie is never longer than them.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/cookie.h"
#include "http/credentials.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace authd::http;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const size_t newline = input.find('\n');
    Request request;
    request.headers["cookie"] = std::string(input.substr(0, newline));
    if (newline != std::string_view::npos) {
        request.headers["authorization"] = std::string(input.substr(newline + 1));
    }
    for (std::string_view name : {kAccessCookie, std::string_view("__Secure-authd_refresh"),
                                  std::string_view("a"), std::string_view("")}) {
        if (auto value = find_cookie(request, name); value && value->size() > size) std::abort();
    }
    if (auto token = find_access_token(request); token && token->token.size() > size) std::abort();
    return 0;
}
