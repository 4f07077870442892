// core/listen_address.h
//
// Where a FastCGI pool listens, as [server] api_socket and validate_socket
// write it:
//   /run/authd/api.sock   a unix socket: any setting that starts with '/'
//   10.0.0.5:9001         TCP on an IPv4 literal
//   [fd00::5]:9001        TCP on an IPv6 literal, in brackets
// No host names and no implied wildcard: every address an nginx may come
// in on is written out, 0.0.0.0:9001 and [::]:9001 included.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/ip_address.h"
#include "core/result.h"

namespace authd {

struct ListenAddress {
    std::string path;   // a unix socket's path; empty for TCP
    IpAddress host;     // TCP only
    uint16_t port = 0;  // TCP only, 1..65535; 0 for a unix socket
    // A default-constructed address (no socket at all) is not TCP.
    bool tcp() const { return port != 0; }
};

// Parses a socket setting; the error says what is accepted.
Result<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace authd
