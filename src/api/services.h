// api/services.h
//
// What a handler may use: the configuration, this worker's connections and
// the key material.  Built once per worker after fork; nothing global but
// configuration.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "cache/client.h"
#include "core/config.h"
#include "crypto/password.h"
#include "db/connection.h"
#include "forms/banned_passwords.h"
#include "forms/password_policy.h"
#include "keys/keyring.h"
#include "login/context.h"
#include "ratelimit/limiter.h"
#include "ratelimit/shared_table.h"

namespace authd::api {

struct Services {
    // Loads keys and the banned-password list; an error here is a
    // configuration error (the worker exits 2).
    // `shared_limits` is the host's table of rate-limit counters, mapped by
    // the master before it forked; it must outlive the Services.
    static Result<std::unique_ptr<Services>> create(const Config& config,
                                                    ratelimit::SharedTable* shared_limits);
    Services(const Config& c, keys::Keyring k, ratelimit::SharedTable* shared_limits);  // create()

    const Config& config;
    keys::Keyring keys;
    db::Connection db;
    cache::Client cache;
    ratelimit::Limiter limiter;
    crypto::Argon2Params argon2;
    std::optional<forms::BannedPasswords> banned;
    forms::PasswordPolicy policy;
    // A hash of a random password with the current parameters: unknown
    // emails are verified against it so they cost what a wrong password costs.
    std::string dummy_hash;

    // What the sign-in use cases (login/) need of all this.
    login::Context login_context() { return {db, keys, config, argon2, dummy_hash}; }
};

}  // namespace authd::api
