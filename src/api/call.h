// api/call.h
//
// One request as a handler sees it: the request, its JSON body already
// parsed and checked (an empty body reads as {}), and the route's path
// parameter, if its pattern has one.
#pragma once

#include <string_view>

#include "http/request.h"
#include "http/response.h"
#include "json/document.h"

namespace authd::api {

struct Services;

struct Call {
    const http::Request& request;
    const json::Document& body;
    std::string_view path_param;
};

using Handler = http::Response (*)(Services&, const Call&);

}  // namespace authd::api
