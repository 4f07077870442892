// server/fcgi_params.h
//
// FastCGI params to http::Request, without libfcgi: HTTP_* params are the
// client's headers (lower-cased, '_' back to '-'); a few CGI params are
// nginx's own facts (REQUEST_METHOD, DOCUMENT_URI, QUERY_STRING,
// REMOTE_ADDR, REQUEST_ID, CONTENT_TYPE, CONTENT_LENGTH); everything else
// (AUTHD_*) is kept in `params`.  A client cannot forge a non-HTTP_ param:
// nginx only sets those from its own configuration, and only peers on
// [server] fastcgi_peers reach a TCP socket.  Pure, so a fuzzer can drive
// it with anything a peer could send.
#pragma once

#include <cstddef>
#include <string_view>

#include "http/request.h"

namespace authd::server {

// Adds one "NAME=value" param to `request`; CONTENT_LENGTH goes to
// `content_length` instead (digits only; anything else is 0, and a value
// too large for size_t saturates, which the body limit then refuses).  A
// param without '=' is ignored.  A later param of a name replaces an
// earlier one.
void add_fcgi_param(http::Request& request, std::string_view name_value,
                    std::size_t& content_length);

}  // namespace authd::server
