// server/fcgi_request.h
//
// The one owner of an FCGX_Request: accept, read the request out into an
// http::Request, write an http::Response, finish.  libfcgi frees its param
// strings at the next accept, so read() copies everything it keeps.
#pragma once

#include <fcgiapp.h>

#include "http/request.h"
#include "http/response.h"

namespace authd::server {

class FcgiRequest {
public:
    explicit FcgiRequest(int listen_fd);
    ~FcgiRequest();
    FcgiRequest(const FcgiRequest&) = delete;
    FcgiRequest& operator=(const FcgiRequest&) = delete;

    // 0 on success; a negative errno otherwise (-EAGAIN: another worker won
    // the connection, which is normal on a shared non-blocking socket).
    int accept();
    http::Request read();
    // Writes status, headers and (unless `head_only`) the body.
    void write(const http::Response& response, bool head_only);
    // Flushes and closes the connection to nginx.
    void finish();

private:
    FCGX_Request req_;
    bool accepted_ = false;
};

}  // namespace authd::server
