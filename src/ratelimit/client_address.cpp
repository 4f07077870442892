// ratelimit/client_address.cpp
//
// Per-IP subjects: IPv4 addresses as they are, IPv6 addresses cut to their
// /64 and written canonically (RFC 5952, as inet_ntop does), so every
// spelling of one network is one subject.  Parsing and printing are
// inet_pton/inet_ntop's; a string they refuse is returned unchanged, which
// still counts it, just on its own.
#include "ratelimit/client_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace authd::ratelimit {

std::string client_subject(std::string_view remote_addr) {
    std::string text(remote_addr);
    // inet_pton reads a C string: an embedded NUL would let it parse a
    // prefix and ignore the rest.
    if (text.find('\0') != std::string::npos) return text;

    char out[INET6_ADDRSTRLEN];
    in_addr v4;
    if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
        if (inet_ntop(AF_INET, &v4, out, sizeof out) == nullptr) return text;
        return out;
    }
    in6_addr v6;
    if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return text;
    if (IN6_IS_ADDR_V4MAPPED(&v6)) {
        std::memcpy(&v4, &v6.s6_addr[12], sizeof v4);
        if (inet_ntop(AF_INET, &v4, out, sizeof out) == nullptr) return text;
        return out;
    }
    std::memset(&v6.s6_addr[8], 0, 8);
    if (inet_ntop(AF_INET6, &v6, out, sizeof out) == nullptr) return text;
    return std::string(out) + "/64";
}

}  // namespace authd::ratelimit
