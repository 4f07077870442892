// crypto/password.h
//
// Argon2id password hashing (libargon2) in PHC string format:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>, 16-byte random salt,
// 32-byte hash.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace authd::crypto {

struct Argon2Params {
    uint32_t memory_kib = 19456;
    uint32_t iterations = 2;
    uint32_t parallelism = 1;
};

Result<std::string> hash_password(std::string_view password, const Argon2Params& params);

// True when `password` matches `phc`; false for a mismatch or a malformed
// string.  A match and a mismatch take the same Argon2 time; a malformed
// string returns false at once (callers verify unknown users against a
// well-formed dummy hash).
bool verify_password(std::string_view password, std::string_view phc);

// True when `phc` was made with other parameters (or is not argon2id).
bool needs_rehash(std::string_view phc, const Argon2Params& params);

}  // namespace authd::crypto
