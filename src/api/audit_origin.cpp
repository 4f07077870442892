// api/audit_origin.cpp
#include "api/audit_origin.h"

#include "core/utf8.h"

namespace authd::api {

audit::Origin audit_origin(const http::Request& request) {
    const std::string* ua = request.header("user-agent");
    // Cap what a client controls before it is stored.
    std::string agent = ua ? to_valid_utf8(std::string_view(*ua).substr(0, 512)) : std::string();
    return {request.remote_addr, std::move(agent), request.request_id};
}

}  // namespace authd::api
