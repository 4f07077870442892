// api/services.cpp
#include "api/services.h"

#include "crypto/encoding.h"
#include "crypto/random.h"

namespace authd::api {

Services::Services(const Config& c, keys::Keyring k, ratelimit::SharedTable* shared_limits)
    : config(c),
      keys(std::move(k)),
      db(c.database),
      cache(c.cache),
      limiter(cache, shared_limits),
      policy(forms::password_policy_of(c.passwords)) {
    argon2.memory_kib = static_cast<uint32_t>(c.passwords.argon2_memory_kib);
    argon2.iterations = static_cast<uint32_t>(c.passwords.argon2_iterations);
    argon2.parallelism = static_cast<uint32_t>(c.passwords.argon2_parallelism);
}

Result<std::unique_ptr<Services>> Services::create(const Config& config,
                                                   ratelimit::SharedTable* shared_limits) {
    auto keyring = keys::Keyring::load_for(config);
    if (!keyring) return Unexpected{keyring.error()};
    auto s = std::make_unique<Services>(config, std::move(*keyring), shared_limits);
    if (!config.passwords.banned_file.empty()) {
        auto banned = forms::BannedPasswords::load(config.passwords.banned_file);
        if (!banned) return Unexpected{banned.error()};
        s->banned = std::move(*banned);
        s->policy.banned = &*s->banned;
    }
    auto dummy =
        crypto::hash_password(crypto::base64url_encode(crypto::random_bytes(24)), s->argon2);
    if (!dummy) return Unexpected{dummy.error()};
    s->dummy_hash = std::move(*dummy);
    return s;
}

}  // namespace authd::api
