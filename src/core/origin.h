// core/origin.h
//
// What the browser-facing answers need to know about a URL or a Host
// header: its origin (to tell an app on the portal's own origin from one on
// another host), and whether a browser would keep a Secure cookie from it
// over plain HTTP (loopback hosts only).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace authd {

// "scheme://host[:port]" of an absolute http(s) URL, lower-cased, with the
// scheme's default port dropped (https://A.example:443/x ->
// https://a.example); nullopt for anything else (relative, other schemes,
// userinfo, an empty host).
std::optional<std::string> origin_of(std::string_view url);

// True when `host` (a Host header: name or IP literal, optional port) is one
// a browser treats as potentially trustworthy over http: localhost and
// *.localhost, 127.0.0.0/8, [::1].
bool is_loopback_host(std::string_view host);

}  // namespace authd
