// api/routes.cpp
//
// Every endpoint the API pool serves, as data.
#include "api/routes.h"

#include "api/health.h"

namespace authd::api {
namespace {

using http::Method;

const http::Route<Handler> kRoutes[] = {
    {Method::get, "/health", check_health},
};

}  // namespace

std::span<const http::Route<Handler>> routes() { return kRoutes; }

}  // namespace authd::api
