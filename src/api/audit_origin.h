// api/audit_origin.h
//
// Who did it and from where, for the audit trail: the audit::Origin of a
// request as nginx passed it.  Here, at the door, so that audit/ knows
// nothing of HTTP.
#pragma once

#include "audit/audit.h"
#include "http/request.h"

namespace authd::api {

// REMOTE_ADDR, the User-Agent (valid UTF-8, at most 512 bytes of it) and
// the request id.
audit::Origin audit_origin(const http::Request& request);

}  // namespace authd::api
