// crypto/random.cpp
//
// Every random value authd uses comes from OpenSSL's CSPRNG (RAND_bytes).
// If it ever fails the process aborts: a token, salt or nonce made from a
// broken generator is worse than no answer.  random_below rejects the few
// draws that would bias a plain modulo, so every value in [0, bound) is
// equally likely.
#include "crypto/random.h"

#include <openssl/rand.h>

#include <climits>
#include <cstdio>
#include <cstdlib>

namespace authd::crypto {

namespace {

[[noreturn]] void die(const char* why) {
    std::fprintf(stderr, "authd: fatal: %s\n", why);
    std::abort();
}

void fill(unsigned char* out, size_t n) {
    while (n > 0) {
        const int chunk = n > static_cast<size_t>(INT_MAX) ? INT_MAX : static_cast<int>(n);
        if (RAND_bytes(out, chunk) != 1) die("RAND_bytes failed: the CSPRNG is unusable");
        out += chunk;
        n -= static_cast<size_t>(chunk);
    }
}

}  // namespace

std::string random_bytes(size_t n) {
    std::string out(n, '\0');
    if (n > 0) fill(reinterpret_cast<unsigned char*>(out.data()), n);
    return out;
}

uint32_t random_below(uint32_t bound) {
    if (bound == 0) die("random_below called with bound 0");
    // 2^32 mod bound draws at the bottom of the range would make the low
    // residues more likely; skip them.  At most half the draws are rejected.
    const uint32_t threshold = static_cast<uint32_t>(-bound) % bound;
    for (;;) {
        uint32_t x = 0;
        fill(reinterpret_cast<unsigned char*>(&x), sizeof x);
        if (x >= threshold) return x % bound;
    }
}

std::string random_digits(int digits) {
    std::string out;
    if (digits <= 0) return out;
    out.reserve(static_cast<size_t>(digits));
    for (int i = 0; i < digits; ++i) out.push_back(static_cast<char>('0' + random_below(10)));
    return out;
}

}  // namespace authd::crypto
