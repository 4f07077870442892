// server/fcgi_request.cpp
//
// FastCGI params to http::Request: HTTP_* params are the client's headers
// (lower-cased, '_' back to '-'); a few CGI params are nginx's own facts
// (REQUEST_METHOD, DOCUMENT_URI, REMOTE_ADDR, REQUEST_ID); everything else
// (AUTHD_*) is kept in `params`.  A client cannot forge a non-HTTP_ param:
// nginx only sets those from its own configuration, and only peers on
// [server] fastcgi_peers reach a TCP socket.
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

#include "core/ascii.h"

namespace authd::server {
namespace {

std::string header_name(std::string_view env_name) {
    std::string out;
    out.reserve(env_name.size());
    for (char ch : env_name) {
        out += ch == '_' ? '-' : ascii_lower(ch);
    }
    return out;
}

}  // namespace

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
    for (char** env = req_.envp; env && *env; ++env) {
        std::string_view kv(*env);
        size_t eq = kv.find('=');
        if (eq == std::string_view::npos) continue;
        std::string_view name = kv.substr(0, eq);
        std::string_view value = kv.substr(eq + 1);
        if (name.starts_with("HTTP_")) {
            r.headers[header_name(name.substr(5))] = std::string(value);
        } else if (name == "REQUEST_METHOD") {
            r.method_text = std::string(value);
            r.method = http::parse_method(value);
        } else if (name == "DOCUMENT_URI") {
            r.path = std::string(value);
        } else if (name == "QUERY_STRING") {
            r.query = std::string(value);
        } else if (name == "REQUEST_ID") {
            r.request_id = std::string(value);
        } else if (name == "REMOTE_ADDR") {
            r.remote_addr = std::string(value);
        } else if (name == "CONTENT_TYPE") {
            r.content_type = std::string(value);
        } else if (name == "CONTENT_LENGTH") {
            content_length = std::strtoull(std::string(value).c_str(), nullptr, 10);
        } else {
            r.params[std::string(name)] = std::string(value);
        }
    }
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
