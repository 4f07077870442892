// crypto/password.cpp
//
// Argon2id through libargon2's encoded-string API, so the salt and the
// parameters travel inside the PHC string and verification needs nothing
// else.  libargon2 compares hashes in constant time and wipes its own
// working memory; the one copy made here (the NUL-terminated PHC string)
// holds no secret.
//
// needs_rehash reads the parameters back with a strict parser of its own:
// anything it cannot read is treated as "re-hash", which is always safe
// because it only runs after the password has verified.
#include "crypto/password.h"

#include <argon2.h>

#include <charconv>
#include <optional>
#include <string>

#include "crypto/random.h"

namespace authd::crypto {

namespace {

constexpr size_t kSaltSize = 16;
constexpr size_t kHashSize = 32;
constexpr std::string_view kPrefix = "$argon2id$v=19$";

const char* chars_of(std::string_view s) { return s.empty() ? "" : s.data(); }

struct PhcParams {
    uint32_t m = 0, t = 0, p = 0;
    size_t hash_chars = 0;  // base64 characters of the hash part
};

// Reads "<name>=<decimal>" at the front of `s` and consumes it.
bool take_param(std::string_view& s, char name, uint32_t* out) {
    if (s.size() < 3 || s[0] != name || s[1] != '=') return false;
    s.remove_prefix(2);
    if (s.empty() || s[0] == '0') return false;  // no leading zeros, no zero
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    if (ec != std::errc()) return false;
    s.remove_prefix(static_cast<size_t>(end - s.data()));
    return true;
}

// $argon2id$v=19$m=<m>,t=<t>,p=<p>$<salt>$<hash>
std::optional<PhcParams> parse_phc(std::string_view phc) {
    if (phc.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
    std::string_view s = phc.substr(kPrefix.size());
    PhcParams out;
    if (!take_param(s, 'm', &out.m) || s.empty() || s[0] != ',') return std::nullopt;
    s.remove_prefix(1);
    if (!take_param(s, 't', &out.t) || s.empty() || s[0] != ',') return std::nullopt;
    s.remove_prefix(1);
    if (!take_param(s, 'p', &out.p) || s.empty() || s[0] != '$') return std::nullopt;
    s.remove_prefix(1);
    const size_t dollar = s.find('$');
    if (dollar == std::string_view::npos || dollar == 0) return std::nullopt;
    const std::string_view hash = s.substr(dollar + 1);
    if (hash.empty() || hash.find('$') != std::string_view::npos) return std::nullopt;
    out.hash_chars = hash.size();
    return out;
}

}  // namespace

Result<std::string> hash_password(std::string_view password, const Argon2Params& params) {
    const std::string salt = random_bytes(kSaltSize);
    const size_t encoded_len = argon2_encodedlen(
        params.iterations, params.memory_kib, params.parallelism, kSaltSize, kHashSize, Argon2_id);
    std::string encoded(encoded_len, '\0');
    const int rc = argon2id_hash_encoded(params.iterations, params.memory_kib, params.parallelism,
                                         chars_of(password), password.size(), salt.data(),
                                         salt.size(), kHashSize, encoded.data(), encoded.size());
    if (rc != ARGON2_OK) {
        return fail(
            rc == ARGON2_MEMORY_ALLOCATION_ERROR ? ErrorCode::unavailable : ErrorCode::internal,
            std::string("argon2id: ") + argon2_error_message(rc));
    }
    const size_t end = encoded.find('\0');
    if (end != std::string::npos) encoded.resize(end);
    return encoded;
}

bool verify_password(std::string_view password, std::string_view phc) {
    // libargon2 parses the string itself (and rejects a malformed one at
    // once, without hashing); it needs a NUL-terminated copy.
    if (phc.find('\0') != std::string_view::npos) return false;
    const std::string encoded(phc);
    return argon2id_verify(encoded.c_str(), chars_of(password), password.size()) == ARGON2_OK;
}

bool needs_rehash(std::string_view phc, const Argon2Params& params) {
    const auto got = parse_phc(phc);
    if (!got) return true;
    // 32 bytes of hash are 43 unpadded base64 characters.
    constexpr size_t kHashChars = (kHashSize * 4 + 2) / 3;
    return got->m != params.memory_kib || got->t != params.iterations ||
           got->p != params.parallelism || got->hash_chars != kHashChars;
}

}  // namespace authd::crypto
