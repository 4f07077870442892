// startup/check.cpp
//
// The one answer to "can this configuration start?", shared by authd's
// startup (main.cpp, before it binds or forks) and by the master's reload.
//
// Dependencies point downward: this file sits above keys/, forms/ and mail/
// (whose loaders it calls, the same ones the workers and the mailer call at
// start, so the check cannot drift from what they refuse) and below
// main.cpp.  server/ knows nothing of keys or mail: main.cpp hands this
// function to the master as a callback, like the pools' mains.
//
// What is loaded here is dropped before returning: the master keeps no key
// material (Secret wipes itself) and no transport handle.  Checks that need
// the network (Postgres, memcached, the SMTP server) are not made: a worker
// that cannot reach them keeps running and answers 503, and the mailer
// retries, so they cannot make a reload worse.
#include "startup/check.h"

#include "core/log.h"
#include "forms/banned_passwords.h"
#include "keys/keyring.h"
#include "mail/mailer.h"

namespace authd::startup {

Result<void> check_can_start(const Config& config) {
    auto keys = keys::Keyring::load_for(config);
    if (!keys) return fail(keys.error().code, "[keys] dir: " + keys.error().detail);
    // Not an error (an old `keys init` made one per algorithm), but the
    // operator should know that they do nothing.
    for (const std::string& path : keys->unused_keys()) {
        log::warn("signing_key_unused")
            .str("path", path)
            .str("reason",
                 "not of [tokens] algorithm " + std::string(alg_name(config.tokens.alg)) +
                     ": it neither signs nor verifies; delete it, or move it to signing/retired/ "
                     "if it signed tokens that are still alive");
    }
    if (!config.passwords.banned_file.empty()) {
        if (auto banned = forms::BannedPasswords::load(config.passwords.banned_file); !banned) {
            return fail(banned.error().code, "[passwords] banned_file: " + banned.error().detail);
        }
    }
    return mail::check_transport_settings(config.mail);
}

}  // namespace authd::startup
