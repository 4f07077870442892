// ratelimit/client_address.h
//
// Which client a per-IP limit counts: one IPv4 address, or one IPv6 /64
// (a single subscriber usually holds a whole /64, so counting single IPv6
// addresses would let one client rotate through 2^64 of them).
#pragma once

#include <string>
#include <string_view>

namespace authd::ratelimit {

// The subject for per-IP limits, from the address nginx saw (REMOTE_ADDR):
//   "192.0.2.7"                 -> "192.0.2.7"
//   "2001:db8:1:2:aaaa::1"      -> "2001:db8:1:2::/64" (canonical text)
//   "::ffff:192.0.2.7"          -> "192.0.2.7" (IPv4-mapped is the IPv4 address)
// Anything inet_pton does not parse as a whole (a zone id, brackets, a
// port, an empty string, garbage) is returned unchanged.
std::string client_subject(std::string_view remote_addr);

}  // namespace authd::ratelimit
