// crypto/jwt.h
//
// JSON Web Signatures in compact form, with OpenSSL 3 EVP.  This file knows
// bytes and algorithms, not claims: sessions/token decides what a valid
// token is.
//
// Algorithms: ES256 (P-256, signatures the 64-byte r||s of RFC 7518 3.4,
// converted to and from DER; any other length is rejected; s is always
// the low one of its pair, s <= n/2: signed so, and a high s is refused), EdDSA
// (Ed25519), RS256 and PS256 (RSA >= 3072 bits; PSS with MGF1-SHA-256 and
// salt length = digest length).
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/c_ptr.h"
#include "core/jws_alg.h"
#include "core/result.h"

namespace authd::crypto {

using EvpPkeyPtr = CPtr<EVP_PKEY, EVP_PKEY_free>;

class SigningKey {
public:
    // A new random key for `alg` (RSA: 3072 bits).
    static Result<SigningKey> generate(JwsAlg alg);
    // A private key PEM (PKCS#8) for `alg`; invalid_input when the key type
    // does not fit the algorithm or an RSA key is shorter than 3072 bits.
    static Result<SigningKey> from_private_pem(std::string_view pem, JwsAlg alg);

    JwsAlg alg() const { return alg_; }
    // base64url of the first 16 bytes of SHA-256 over the public key's
    // DER SubjectPublicKeyInfo: stable for a key, different across keys.
    const std::string& kid() const { return kid_; }

    // PKCS#8, for authctl keys init; empty if OpenSSL fails.  The caller
    // owns a copy of the private key: wipe it when done.
    std::string private_pem() const;

    // The JWS signature (raw bytes) over `signing_input`.
    Result<std::string> sign(std::string_view signing_input) const;
    // True only for a valid signature of the exact expected length/format.
    // NB: not for two threads at once (copies of a key share one context,
    // see jwt.cpp); authd's processes are single-threaded.
    bool verify(std::string_view signing_input, std::string_view signature) const;

    // The public JWK as a JSON object text with kty, kid, alg, use: "sig"
    // and the public parameters (crv/x/y, crv/x, n/e); never private parts.
    std::string public_jwk_json() const;

private:
    SigningKey(EvpPkeyPtr key, JwsAlg alg);
    // Everything the constructor derives was derived: OpenSSL did not fail.
    bool complete() const;
    std::shared_ptr<EVP_PKEY> key_;  // shared: copies of a key sign with one handle
    // ES256, RS256, PS256: a context set up once for verifying SHA-256
    // digests; null for EdDSA (it signs the whole message) or when OpenSSL
    // failed, which the factories refuse.
    std::shared_ptr<EVP_PKEY_CTX> digest_verifier_;
    JwsAlg alg_;
    std::string kid_;  // empty only if OpenSSL failed; the factories refuse that
    std::string jwk_;  // computed once, so public_jwk_json() cannot fail
};

// Tokens longer than this are refused before any decoding.
inline constexpr std::size_t kMaxJwsSize = std::size_t{16} * 1024;

// The parts of a compact JWS, decoded.  Only structure is checked here:
// at most kMaxJwsSize bytes, exactly three non-empty parts separated by two
// dots, each canonical base64url without padding.  invalid_input otherwise.
struct DecodedJws {
    std::string header_json;    // decoded bytes of part 1
    std::string payload_json;   // decoded bytes of part 2
    std::string signing_input;  // "part1.part2" as received
    std::string signature;      // decoded bytes of part 3
};

Result<DecodedJws> decode_jws(std::string_view token);

// "b64url(header).b64url(payload).b64url(sig)".  The caller writes the
// header JSON (alg, kid, typ) and the payload JSON; an empty one is
// invalid_input, as decode_jws would refuse the token.
Result<std::string> encode_jws(std::string_view header_json, std::string_view payload_json,
                               const SigningKey& key);

}  // namespace authd::crypto
