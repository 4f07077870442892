// api/services.h
//
// What a handler may use: the configuration and this worker's connections.
// Built once per worker after fork; nothing global but configuration.
#pragma once

#include "cache/client.h"
#include "core/config.h"
#include "db/connection.h"

namespace authd::api {

struct Services {
    explicit Services(const Config& cfg) : config(cfg), db(cfg.database), cache(cfg.cache) {}

    const Config& config;
    db::Connection db;
    cache::Client cache;
};

}  // namespace authd::api
