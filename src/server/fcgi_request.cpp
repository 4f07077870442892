// server/fcgi_request.cpp
//
// Reading a request: its params become an http::Request in
// server/fcgi_params.h, then the body is read, up to http::kMaxBodyBytes.
//
// Handing libfcgi a connection: FCGX_Accept_r accepts only when the
// request holds no connection (ipcFd < 0) and first finishes the previous
// request, closing the connection unless keepConnection is set.  So the
// accepted fd goes into ipcFd with keepConnection set, exactly the state a
// kept-alive connection leaves behind.  The request's listening socket is
// -1: when a connection turns out not to speak FastCGI, libfcgi closes it
// and tries to accept another, which then fails with EBADF instead of
// taking a connection whose peer nobody checked.  (For the same reason
// libfcgi's own FCGI_WEB_SERVER_ADDRS check never runs; it knows neither
// IPv6 nor CIDR.)
#include "server/fcgi_request.h"

#include <cerrno>
#include <cstring>

#include "server/fcgi_params.h"

namespace authd::server {

FcgiRequest::FcgiRequest() { FCGX_InitRequest(&req_, -1, 0); }

FcgiRequest::~FcgiRequest() {
    finish();
    FCGX_Free(&req_, 0);
}

int FcgiRequest::accept(UniqueFd connection) {
    finish();
    req_.ipcFd = connection.release();
    req_.keepConnection = 1;
    int rc = FCGX_Accept_r(&req_);
    accepted_ = rc == 0;
    if (!accepted_ && req_.ipcFd >= 0) FCGX_Free(&req_, 1);
    return rc;
}

http::Request FcgiRequest::read() {
    http::Request r;
    size_t content_length = 0;
    for (char** env = req_.envp; env && *env; ++env) add_fcgi_param(r, *env, content_length);
    if (content_length > http::kMaxBodyBytes) {
        r.body_too_large = true;
        return r;
    }
    r.body.resize(content_length);
    int got =
        content_length ? FCGX_GetStr(r.body.data(), static_cast<int>(content_length), req_.in) : 0;
    r.body.resize(got > 0 ? static_cast<size_t>(got) : 0);
    return r;
}

void FcgiRequest::write(const http::Response& response, bool head_only) {
    std::string head;
    head.reserve(256);
    head += "Status: ";
    head += std::to_string(response.status);
    head += ' ';
    head += http::status_text(response.status);
    head += "\r\n";
    if (!response.content_type.empty()) {
        head += "Content-Type: ";
        head += response.content_type;
        head += "\r\n";
    }
    if (response.status != 204 && response.status != 304) {
        head += "Content-Length: ";
        head += std::to_string(response.body.size());
        head += "\r\n";
    }
    for (const auto& [name, value] : response.headers) {
        head += name;
        head += ": ";
        head += value;
        head += "\r\n";
    }
    head += "\r\n";
    FCGX_PutStr(head.data(), static_cast<int>(head.size()), req_.out);
    if (!head_only && !response.body.empty()) {
        FCGX_PutStr(response.body.data(), static_cast<int>(response.body.size()), req_.out);
    }
}

void FcgiRequest::finish() {
    if (accepted_) {
        FCGX_Finish_r(&req_);
        accepted_ = false;
    }
    if (req_.ipcFd >= 0) FCGX_Free(&req_, 1);
}

}  // namespace authd::server
