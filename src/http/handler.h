// http/handler.h
//
// What a pool serves: a request in, a response out.  The server's workers
// call it (server/worker.h); the API (api::App) and the validator
// (validate::Validator) implement it, so neither needs to know the
// process that runs it.
#pragma once

#include "http/request.h"
#include "http/response.h"

namespace authd::http {

// handle() must not throw for ordinary failures; the worker still catches
// anything that escapes and answers 500.
class RequestHandler {
public:
    virtual ~RequestHandler() = default;
    virtual Response handle(const Request& request) = 0;
};

}  // namespace authd::http
