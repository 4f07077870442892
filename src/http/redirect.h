// http/redirect.h
//
// The one redirect allow-list (contract section 5): where a browser may be
// sent after login.  Only absolute http(s) URLs whose host is on the list
// pass; anything else (other hosts, other schemes, protocol-relative
// "//host", backslashes, userinfo, whitespace or control characters,
// percent-encoded authority tricks) is refused, and callers fall back to "/".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace authd::http {

// `allowed_hosts` are lower-case host names or IP literals (IPv6 without
// brackets is not supported in the list: write [::1]).
bool redirect_allowed(std::string_view url, const std::vector<std::string>& allowed_hosts);

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string percent_encode(std::string_view text);
// Decodes %XX and '+' as space (query strings); nullopt on a bad escape.
std::string percent_decode_query(std::string_view text, bool* ok);
// The decoded value of `name` in a query string, or empty.
std::string query_param(std::string_view query, std::string_view name);

}  // namespace authd::http
