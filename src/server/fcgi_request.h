// server/fcgi_request.h
//
// The one owner of an FCGX_Request: take a connection, read the request out
// into an http::Request, write an http::Response, finish.  libfcgi frees
// its param strings at the next accept, so read() copies everything it
// keeps.  libfcgi never accepts by itself here: the worker accepts (and
// checks the peer, server/listen_socket.h) and hands the connection over.
#pragma once

#include <fcgiapp.h>

#include "core/unique_fd.h"
#include "http/request.h"
#include "http/response.h"

namespace authd::server {

class FcgiRequest {
public:
    FcgiRequest();
    ~FcgiRequest();
    FcgiRequest(const FcgiRequest&) = delete;
    FcgiRequest& operator=(const FcgiRequest&) = delete;

    // Takes `connection` over and reads its request's begin record and
    // params.  0 on success; a negative errno when the connection carried
    // no FastCGI request (it is closed by then).
    int accept(UniqueFd connection);
    http::Request read();
    // Writes status, headers and (unless `head_only`) the body.
    void write(const http::Response& response, bool head_only);
    // Flushes and closes the connection to nginx (also one nginx asked to
    // keep: a kept connection would pin this single-threaded worker).
    void finish();

private:
    FCGX_Request req_;
    bool accepted_ = false;
};

}  // namespace authd::server
