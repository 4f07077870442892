// api/routes.h
//
// The route table of the API pool.
#pragma once

#include <span>

#include "api/call.h"
#include "http/router.h"

namespace authd::api {

std::span<const http::Route<Handler>> routes();

}  // namespace authd::api
