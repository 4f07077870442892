// core/ip_address.cpp
//
// Parsing goes through inet_pton, which takes only the strict forms (four
// decimal parts without leading zeros for IPv4; no zone index for IPv6), so
// "010.0.0.1", "10.1" or "0x0a.0.0.1" are refused rather than read the way
// inet_aton would.  Matching compares the first `prefix` bits, byte by byte.
#include "core/ip_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>

namespace authd {
namespace {

constexpr unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool is_mapped(const IpAddress& a) {
    return a.v6 && std::memcmp(a.bytes.data(), kMappedPrefix, sizeof kMappedPrefix) == 0;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// True when the first `bits` bits of `a` and `b` are equal.
bool same_prefix(const unsigned char* a, const unsigned char* b, int bits) {
    int whole = bits / 8;
    if (std::memcmp(a, b, static_cast<size_t>(whole)) != 0) return false;
    int rest = bits % 8;
    if (rest == 0) return true;
    auto mask = static_cast<unsigned char>(0xff << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

}  // namespace

std::optional<IpAddress> parse_ip_address(std::string_view text) {
    // inet_pton needs a terminated string; anything longer than the
    // longest IPv6 text is not an address.
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
    const std::string s(text);
    IpAddress a;
    if (s.find(':') == std::string::npos) {
        if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) != 1) return std::nullopt;
        return a;
    }
    a.v6 = true;
    if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) != 1) return std::nullopt;
    return a;
}

IpAddress unmapped(const IpAddress& address) {
    if (!is_mapped(address)) return address;
    IpAddress v4;
    std::memcpy(v4.bytes.data(), address.bytes.data() + 12, 4);
    return v4;
}

std::optional<IpAddress> ip_address_of(const sockaddr_storage& peer) {
    IpAddress a;
    if (peer.ss_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&peer);
        std::memcpy(a.bytes.data(), &in->sin_addr, 4);
        return a;
    }
    if (peer.ss_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&peer);
        a.v6 = true;
        std::memcpy(a.bytes.data(), &in6->sin6_addr, 16);
        return unmapped(a);
    }
    return std::nullopt;
}

Result<IpRange> parse_ip_range(std::string_view text) {
    const size_t slash = text.find('/');
    const std::string_view host = text.substr(0, slash);
    auto address = parse_ip_address(host);
    if (!address) {
        return fail(ErrorCode::invalid_input,
                    "\"" + std::string(text) + "\" is not an IPv4 or IPv6 address or CIDR range");
    }
    if (is_mapped(*address)) {
        return fail(ErrorCode::invalid_input, "\"" + std::string(text) +
                                                  "\" is a v4-mapped IPv6 address: write it as " +
                                                  format_ip_address(unmapped(*address)) +
                                                  " (mapped peers are matched as IPv4)");
    }
    const int max = address->v6 ? 128 : 32;
    IpRange range{*address, max};
    if (slash != std::string_view::npos) {
        const std::string_view bits = text.substr(slash + 1);
        int n = -1;
        auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), n);
        if (bits.empty() || bits.front() == '-' || ec != std::errc() ||
            end != bits.data() + bits.size() || n < 0 || n > max) {
            return fail(ErrorCode::invalid_input, "\"" + std::string(text) +
                                                      "\": the prefix length must be 0 to " +
                                                      std::to_string(max));
        }
        range.prefix = n;
    }
    for (int bit = range.prefix; bit < max; ++bit) {
        if (address->bytes[static_cast<size_t>(bit / 8)] & (0x80 >> (bit % 8))) {
            return fail(ErrorCode::invalid_input, "\"" + std::string(text) +
                                                      "\" has bits set past its /" +
                                                      std::to_string(range.prefix) + " prefix");
        }
    }
    return range;
}

Result<std::vector<IpRange>> parse_ip_ranges(std::string_view list) {
    std::vector<IpRange> out;
    while (!list.empty()) {
        const size_t comma = list.find(',');
        const std::string_view item = trim(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        if (item.empty()) continue;
        auto range = parse_ip_range(item);
        if (!range) return fail(ErrorCode::invalid_input, range.error().detail);
        out.push_back(*range);
    }
    return out;
}

bool range_contains(const IpRange& range, const IpAddress& address) {
    const IpAddress a = unmapped(address);
    if (a.v6 != range.base.v6) return false;
    return same_prefix(a.bytes.data(), range.base.bytes.data(), range.prefix);
}

bool ranges_contain(const std::vector<IpRange>& ranges, const IpAddress& address) {
    for (const IpRange& r : ranges) {
        if (range_contains(r, address)) return true;
    }
    return false;
}

std::string format_ip_address(const IpAddress& address) {
    char text[INET6_ADDRSTRLEN] = {};
    inet_ntop(address.v6 ? AF_INET6 : AF_INET, address.bytes.data(), text, sizeof text);
    return text;
}

}  // namespace authd
