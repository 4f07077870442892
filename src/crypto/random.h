// crypto/random.h
//
// Randomness from OpenSSL's CSPRNG.  These abort the process if the CSPRNG
// fails: there is no safe way to go on without randomness.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace authd::crypto {

// `n` random bytes.
std::string random_bytes(size_t n);

// A uniformly random integer in [0, bound), without modulo bias.  bound > 0.
uint32_t random_below(uint32_t bound);

// A string of `digits` random decimal digits (leading zeros kept), e.g.
// the 6-digit email codes.
std::string random_digits(int digits);

}  // namespace authd::crypto
