// core/ip_address.h
//
// IP addresses and CIDR ranges as the configuration writes them, and the
// question "is this peer on the list?".  Only literals: a dotted quad or an
// RFC 4291 IPv6 text, never a host name (what a name resolves to can change
// under a running daemon).
//
// v4-mapped IPv6 (::ffff:a.b.c.d), decided: a peer that reaches a
// dual-stack IPv6 socket over IPv4 shows up in that form; it is the IPv4
// address a.b.c.d and is matched against IPv4 entries only.  The
// configuration must write the IPv4 form; a mapped entry is refused, so
// each address has exactly one spelling on the list.
#pragma once

#include <sys/socket.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace authd {

struct IpAddress {
    bool v6 = false;
    std::array<unsigned char, 16> bytes{};  // IPv4: the first 4, the rest zero
    bool operator==(const IpAddress&) const = default;
};

struct IpRange {
    IpAddress base;  // its host bits are zero
    int prefix = 0;  // leading bits that must match: 0..32 (IPv4), 0..128 (IPv6)
};

// "10.0.0.5" or "2001:db8::1" exactly (no brackets, zone, port or spaces);
// nullopt otherwise.  A v4-mapped IPv6 text stays IPv6 here: see unmapped().
std::optional<IpAddress> parse_ip_address(std::string_view text);

// A v4-mapped IPv6 address as the IPv4 address it carries; others unchanged.
IpAddress unmapped(const IpAddress& address);

// The peer address of a socket (AF_INET or AF_INET6), unmapped; nullopt for
// any other family (unix sockets have no IP peer).
std::optional<IpAddress> ip_address_of(const sockaddr_storage& peer);

// "10.0.0.0/24", "fd00::/8", or a bare address (a range of one: /32, /128).
// Refuses a prefix out of range, host bits set past the prefix
// ("10.0.0.1/24" is a typo for one of two things) and v4-mapped IPv6.
Result<IpRange> parse_ip_range(std::string_view text);

// A comma-separated list of ranges; spaces around items and empty items
// are ignored.  The error names the item that is wrong.
Result<std::vector<IpRange>> parse_ip_ranges(std::string_view list);

// True when `address` (unmapped first) lies in `range`; an IPv4 address is
// never in an IPv6 range and the other way round.
bool range_contains(const IpRange& range, const IpAddress& address);

// True when some range of `ranges` contains `address`; false for an empty list.
bool ranges_contain(const std::vector<IpRange>& ranges, const IpAddress& address);

// "10.0.0.5" / "2001:db8::1" (RFC 5952 as inet_ntop writes it).
std::string format_ip_address(const IpAddress& address);

}  // namespace authd
