// api/health.h
//
// GET /health: can this worker reach Postgres and memcached right now?
// 200 ok; 200 degraded when only the cache is down; 503 down when the
// database is (the health shape, not the error shape).
#pragma once

#include "api/call.h"

namespace authd::api {

Answer check_health(Services& services, const Call& call);

}  // namespace authd::api
