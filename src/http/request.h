// http/request.h
//
// One HTTP request as nginx handed it to us over FastCGI.  Everything is
// copied out of libfcgi's buffers (they are freed at the next accept), so a
// Request is a plain value that handlers and tests can build freely.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace authd::http {

enum class Method { get, head, post, put, patch, del, options, other };

Method parse_method(std::string_view text);
std::string_view method_name(Method m);

struct Request {
    Method method = Method::get;
    std::string method_text;  // as sent, for the log
    std::string path;         // nginx's $document_uri: decoded, normalised
    std::string query;        // raw query string, without '?'
    std::string request_id;   // nginx's $request_id
    std::string remote_addr;  // nginx's REMOTE_ADDR, never a client header
    std::string content_type;
    std::string body;
    bool body_too_large = false;
    std::map<std::string, std::string> headers;  // lower-case names, from HTTP_* params
    // Other FastCGI params (AUTHD_*); looked up by string_view without a copy.
    std::map<std::string, std::string, std::less<>> params;

    // nullptr when absent.  `name` is lower-case.
    const std::string* header(std::string_view name) const;
    const std::string* param(std::string_view name) const;
};

// The most the body may hold; nginx enforces the same limit first.
inline constexpr size_t kMaxBodyBytes = 65536;

}  // namespace authd::http
