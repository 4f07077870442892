// login/context.h
//
// What the sign-in use cases work with: one worker's database connection,
// its keys, the configuration, and the Argon2 parameters with the dummy
// hash that unknown emails are checked against.  Every front door (the
// JSON API, the login page, the Cognito-compatible API) builds one from
// what it holds, so each gets the same rules: lockout, timing
// equalisation, audit, mail.
#pragma once

#include <string>

#include "core/config.h"
#include "crypto/password.h"
#include "db/connection.h"
#include "keys/keyring.h"

namespace authd::login {

struct Context {
    db::Connection& db;
    const keys::Keyring& keys;
    const Config& config;
    const crypto::Argon2Params& argon2;
    // A hash of a random password with the current parameters: an unknown
    // email is verified against it, so it costs what a wrong password costs.
    const std::string& dummy_hash;
};

}  // namespace authd::login
