// crypto/digest.h
//
// SHA-256, HMAC-SHA-256 and constant-time comparison.  Outputs are raw
// bytes (32 of them); encode them where text is needed.
#pragma once

#include <string>
#include <string_view>

namespace authd::crypto {

std::string sha256(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);

// Constant time in the contents (CRYPTO_memcmp); a length difference
// returns false at once (lengths are not secret here).
bool equal_constant_time(std::string_view a, std::string_view b);

}  // namespace authd::crypto
