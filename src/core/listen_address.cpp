// core/listen_address.cpp
//
// The form of a socket setting decides its kind: a leading '/' is a unix
// socket (as before TCP existed, so old configurations mean what they
// meant), a leading '[' an IPv6 literal, anything else must be IPv4:PORT.
// A relative path or a host name is an error here, at --check-config time,
// instead of a surprise at bind time.
#include "core/listen_address.h"

#include <sys/un.h>

#include <charconv>

namespace authd {
namespace {

constexpr const char* kForms =
    "expected /path/to/socket, IPv4:PORT (10.0.0.5:9001) or [IPv6]:PORT ([fd00::5]:9001); "
    "host names are not accepted";

Unexpected<Error> bad(std::string_view text, std::string_view why) {
    return fail(ErrorCode::invalid_input, "\"" + std::string(text) + "\": " + std::string(why));
}

}  // namespace

Result<ListenAddress> parse_listen_address(std::string_view text) {
    if (text.empty()) return fail(ErrorCode::invalid_input, "must not be empty");
    ListenAddress out;
    if (text.front() == '/') {
        if (text.size() >= sizeof(sockaddr_un{}.sun_path)) {
            return bad(text, "a unix socket path must be shorter than " +
                                 std::to_string(sizeof(sockaddr_un{}.sun_path)) + " bytes");
        }
        out.path = std::string(text);
        return out;
    }
    std::string_view host;
    std::string_view port;
    if (text.front() == '[') {
        const size_t close = text.find("]:");
        if (close == std::string_view::npos) return bad(text, kForms);
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
        auto address = parse_ip_address(host);
        if (!address || !address->v6) return bad(text, "not an IPv6 address in brackets");
        if (unmapped(*address) != *address) {
            return bad(text, "a v4-mapped address: write the IPv4 form, " +
                                 format_ip_address(unmapped(*address)) + ":PORT");
        }
        out.host = *address;
    } else {
        const size_t colon = text.rfind(':');
        if (colon == std::string_view::npos) return bad(text, kForms);
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos) {
            return bad(text, "an IPv6 address needs brackets: [IPv6]:PORT");
        }
        auto address = parse_ip_address(host);
        if (!address) return bad(text, kForms);
        out.host = *address;
    }
    int n = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (port.empty() || port.front() == '-' || ec != std::errc() ||
        end != port.data() + port.size() || n < 1 || n > 65535) {
        return bad(text, "the port must be a number from 1 to 65535");
    }
    out.port = static_cast<uint16_t>(n);
    return out;
}

}  // namespace authd
