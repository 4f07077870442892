// crypto/digest.cpp
//
// SHA-256 and HMAC-SHA-256 through OpenSSL's one-shot calls, and a
// comparison whose time does not depend on where two equal-length strings
// differ.  These cannot fail for in-memory input short of OpenSSL itself
// being broken, which aborts like a CSPRNG failure does.
#include "crypto/digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <climits>
#include <cstdio>
#include <cstdlib>

namespace authd::crypto {

namespace {

constexpr size_t kDigestSize = 32;

// A string_view's data() may be null when it is empty; OpenSSL wants a
// pointer either way.
const unsigned char* bytes_of(std::string_view s) {
    static const unsigned char kEmpty = 0;
    return s.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "authd: fatal: %s failed\n", what);
    std::abort();
}

}  // namespace

std::string sha256(std::string_view data) {
    std::string out(kDigestSize, '\0');
    unsigned int len = 0;
    if (EVP_Digest(bytes_of(data), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len,
                   EVP_sha256(), nullptr) != 1 ||
        len != kDigestSize) {
        die("SHA-256");
    }
    return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    std::string out(kDigestSize, '\0');
    unsigned int len = 0;
    if (key.size() > static_cast<size_t>(INT_MAX) ||
        HMAC(EVP_sha256(), bytes_of(key), static_cast<int>(key.size()), bytes_of(data), data.size(),
             reinterpret_cast<unsigned char*>(out.data()), &len) == nullptr ||
        len != kDigestSize) {
        die("HMAC-SHA-256");
    }
    return out;
}

bool equal_constant_time(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace authd::crypto
