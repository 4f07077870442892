// crypto/aead.h
//
// AES-256-GCM with a random 96-bit nonce.  A sealed value is
// nonce (12 bytes) || ciphertext || tag (16 bytes).  The associated data
// binds a ciphertext to its context (a user id, an outbox row), so a value
// copied to another row does not decrypt.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "core/secret.h"

namespace authd::crypto {

// key must hold 32 bytes (internal error otherwise).
Result<std::string> aead_seal(const Secret& key, std::string_view plaintext,
                              std::string_view associated_data);
// invalid_input when the tag does not verify (wrong key, wrong associated
// data, tampered or truncated value).
Result<Secret> aead_open(const Secret& key, std::string_view sealed,
                         std::string_view associated_data);

}  // namespace authd::crypto
