// crypto/jwt.cpp
//
// Compact JWS signing and verification with OpenSSL 3 EVP only.
//
// Invariants:
//  - A SigningKey always holds a private key whose type fits its algorithm
//    (EC P-256 for ES256, Ed25519 for EdDSA, plain RSA >= 3072 bits for
//    RS256/PS256), checked once by the factories; sign and verify rely on it.
//  - The algorithm comes from the key, never from a token header, so a token
//    cannot choose how it is verified.
//  - verify() rejects a signature of the wrong length before any arithmetic:
//    ES256 and EdDSA exactly 64 bytes, RSA exactly the modulus size.  ES256
//    travels as r||s (RFC 7518 3.4); OpenSSL speaks DER, converted here.
//  - ES256: ECDSA accepts (r, s) and (r, n - s) alike, so a signature has
//    two spellings.  sign() always writes the low one (s <= n/2), so each
//    token authd issues has one.  verify() accepts both, as RFC 7518 and
//    every standard ECDSA signer and verifier do (OpenSSL, pyjwt, Go, Java
//    draw either): refusing the high form would refuse half of the tokens
//    any other ES256 signer makes with the key (tooling, an authd before
//    this rule).  The second spelling gives nobody anything the first does
//    not: it carries the same claims and session, revocation goes by
//    session, and the validator's cache, keyed by the token, just misses.
//  - PS256 uses MGF1-SHA-256 and a salt as long as the digest, for signing
//    and, strictly, for verifying.
//  - Verification of ES256, RS256 and PS256 hashes the signing input and
//    checks the digest with an EVP_PKEY_CTX made once per key: in OpenSSL 3
//    an EVP_DigestVerifyInit per token costs provider fetches and a fresh
//    context, about 3 us of the validator's cache miss (bench/verify_cost).
//  - OpenSSL's error queue is cleared after every failure, so a stale error
//    cannot surface in an unrelated call later.
#include "crypto/jwt.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstring>
#include <optional>

#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "json/writer.h"

namespace authd::crypto {

namespace {

using MdCtxPtr = CPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
using BioPtr = CPtr<BIO, BIO_free_all>;
using BignumPtr = CPtr<BIGNUM, BN_free>;
using EcdsaSigPtr = CPtr<ECDSA_SIG, ECDSA_SIG_free>;
// What i2d_* allocate.  OPENSSL_free is a macro, so it needs a function.
void openssl_free(unsigned char* p) { OPENSSL_free(p); }
using OpensslBytes = CPtr<unsigned char, openssl_free>;

constexpr int kMinRsaBits = 3072;
constexpr size_t kCoordSize = 32;   // P-256 coordinates and scalars, Ed25519 keys
constexpr size_t kRawSigSize = 64;  // ES256 r||s and Ed25519 signatures
constexpr size_t kKidBytes = 16;
constexpr size_t kMaxPemSize = size_t{64} * 1024;

const unsigned char* bytes_of(std::string_view s) {
    static const unsigned char kEmpty = 0;
    return s.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}

// The most recent OpenSSL error as text (reasons only, never key material),
// and an empty queue afterwards.
std::string openssl_error() {
    const unsigned long e = ERR_peek_last_error();
    char buf[256] = "no OpenSSL error";
    if (e != 0) ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return buf;
}

Result<void> check_key_type(EVP_PKEY* key, JwsAlg alg) {
    const std::string name(alg_name(alg));
    switch (alg) {
        case JwsAlg::es256: {
            char group[80] = "";
            size_t len = 0;
            const bool named = EVP_PKEY_is_a(key, "EC") &&
                               EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME,
                                                              group, sizeof group, &len) == 1;
            ERR_clear_error();
            if (!named || (OBJ_txt2nid(group) != NID_X9_62_prime256v1 &&
                           EC_curve_nist2nid(group) != NID_X9_62_prime256v1)) {
                return fail(ErrorCode::invalid_input, name + " needs an EC key on P-256");
            }
            return {};
        }
        case JwsAlg::eddsa:
            if (!EVP_PKEY_is_a(key, "ED25519")) {
                return fail(ErrorCode::invalid_input, name + " needs an Ed25519 key");
            }
            return {};
        case JwsAlg::rs256:
        case JwsAlg::ps256:
            // NB: "RSA" only: an RSA-PSS-typed key carries its own padding
            // restrictions, which this code does not honour.
            if (!EVP_PKEY_is_a(key, "RSA")) {
                return fail(ErrorCode::invalid_input, name + " needs a plain RSA key");
            }
            if (EVP_PKEY_get_bits(key) < kMinRsaBits) {
                return fail(ErrorCode::invalid_input,
                            name + " needs an RSA key of at least 3072 bits, got " +
                                std::to_string(EVP_PKEY_get_bits(key)));
            }
            return {};
    }
    return fail(ErrorCode::invalid_input, "unknown algorithm");
}

std::string compute_kid(EVP_PKEY* key) {
    unsigned char* raw = nullptr;
    const int len = i2d_PUBKEY(key, &raw);
    const OpensslBytes der(raw);
    if (len <= 0) {
        ERR_clear_error();
        return {};
    }
    const std::string digest = sha256(
        std::string_view(reinterpret_cast<const char*>(der.get()), static_cast<size_t>(len)));
    return base64url_encode(std::string_view(digest).substr(0, kKidBytes));
}

// A BIGNUM parameter of the key, big-endian; left-padded to `width` bytes
// when width > 0, minimal otherwise.
std::optional<std::string> bn_param(EVP_PKEY* key, const char* param, size_t width) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, param, &raw) != 1) {
        ERR_clear_error();
        return std::nullopt;
    }
    const BignumPtr bn(raw);
    const size_t size = width > 0 ? width : static_cast<size_t>(BN_num_bytes(bn.get()));
    std::string out(size, '\0');
    if (BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()),
                     static_cast<int>(size)) != static_cast<int>(size)) {
        ERR_clear_error();
        return std::nullopt;
    }
    return out;
}

// The public JWK, or empty when a parameter cannot be read.
std::string make_jwk(EVP_PKEY* key, JwsAlg alg, const std::string& kid) {
    json::Writer w;
    w.begin_object();
    switch (alg) {
        case JwsAlg::es256: {
            const auto x = bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, kCoordSize);
            const auto y = bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, kCoordSize);
            if (!x || !y) return {};
            w.key("kty").string("EC").key("crv").string("P-256");
            w.key("x").string(base64url_encode(*x)).key("y").string(base64url_encode(*y));
            break;
        }
        case JwsAlg::eddsa: {
            std::string x(kCoordSize, '\0');
            size_t len = 0;
            if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY,
                                                reinterpret_cast<unsigned char*>(x.data()),
                                                x.size(), &len) != 1 ||
                len != kCoordSize) {
                ERR_clear_error();
                return {};
            }
            w.key("kty").string("OKP").key("crv").string("Ed25519");
            w.key("x").string(base64url_encode(x));
            break;
        }
        case JwsAlg::rs256:
        case JwsAlg::ps256: {
            const auto n = bn_param(key, OSSL_PKEY_PARAM_RSA_N, 0);
            const auto e = bn_param(key, OSSL_PKEY_PARAM_RSA_E, 0);
            if (!n || !e) return {};
            w.key("kty").string("RSA");
            w.key("n").string(base64url_encode(*n)).key("e").string(base64url_encode(*e));
            break;
        }
    }
    w.key("kid").string(kid).key("alg").string(alg_name(alg)).key("use").string("sig");
    w.end_object();
    return std::move(w).str();
}

// The RSA padding of the algorithm on a sign or verify context; nothing to
// do for the others.
bool set_padding(EVP_PKEY_CTX* pctx, JwsAlg alg) {
    switch (alg) {
        case JwsAlg::rs256:
            return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0;
        case JwsAlg::ps256:
            return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
                   EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) > 0 &&
                   EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) > 0;
        case JwsAlg::es256:
        case JwsAlg::eddsa:
            return true;
    }
    return false;
}

// Ed25519 signs the message itself (no separate digest).
const EVP_MD* digest_of(JwsAlg alg) { return alg == JwsAlg::eddsa ? nullptr : EVP_sha256(); }

// A context that verifies SHA-256 digests with `key`'s algorithm, or null.
std::shared_ptr<EVP_PKEY_CTX> make_digest_verifier(EVP_PKEY* key, JwsAlg alg) {
    if (alg == JwsAlg::eddsa) return nullptr;
    std::shared_ptr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr),
                                      EVP_PKEY_CTX_free);
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1 ||
        !set_padding(ctx.get(), alg)) {
        ERR_clear_error();
        return nullptr;
    }
    return ctx;
}

// The order n of P-256 (SEC 2, 2.4.2), and n/2 rounded down, big-endian.
constexpr unsigned char kP256Order[kCoordSize] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};
constexpr unsigned char kP256HalfOrder[kCoordSize] = {
    0x7F, 0xFF, 0xFF, 0xFF, 0x80, 0x00, 0x00, 0x00, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xDE, 0x73, 0x7D, 0x56, 0xD3, 0x8B, 0xCF, 0x42, 0x79, 0xDC, 0xE5, 0x61, 0x7E, 0x31, 0x92, 0xA8};

// s of a 64-byte r||s is above n/2 (public values: no constant time needed).
bool is_high_s(std::string_view raw) {
    return std::memcmp(bytes_of(raw) + kCoordSize, kP256HalfOrder, kCoordSize) > 0;
}

// DER ECDSA-Sig-Value -> 64-byte r||s, with s in its low form (n - s when
// s > n/2).
std::optional<std::string> der_to_raw(std::string_view der) {
    const unsigned char* p = bytes_of(der);
    const EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
    if (!sig || p != bytes_of(der) + der.size()) return std::nullopt;
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    std::string out(kRawSigSize, '\0');
    auto* dst = reinterpret_cast<unsigned char*>(out.data());
    if (BN_bn2binpad(r, dst, kCoordSize) != kCoordSize ||
        BN_bn2binpad(s, dst + kCoordSize, kCoordSize) != kCoordSize) {
        return std::nullopt;
    }
    if (is_high_s(out)) {
        const BignumPtr order(BN_bin2bn(kP256Order, kCoordSize, nullptr));
        const BignumPtr low(BN_new());
        if (!order || !low || BN_sub(low.get(), order.get(), s) != 1 ||
            BN_bn2binpad(low.get(), dst + kCoordSize, kCoordSize) != kCoordSize) {
            return std::nullopt;
        }
    }
    return out;
}

// 64-byte r||s -> DER.  The caller has checked the length.
std::optional<std::string> raw_to_der(std::string_view raw) {
    const unsigned char* p = bytes_of(raw);
    BignumPtr r(BN_bin2bn(p, kCoordSize, nullptr));
    BignumPtr s(BN_bin2bn(p + kCoordSize, kCoordSize, nullptr));
    EcdsaSigPtr sig(ECDSA_SIG_new());
    if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return std::nullopt;
    // ECDSA_SIG_set0 took ownership of r and s.
    (void)r.release();
    (void)s.release();
    unsigned char* encoded = nullptr;
    const int len = i2d_ECDSA_SIG(sig.get(), &encoded);
    const OpensslBytes der(encoded);
    if (len <= 0) return std::nullopt;
    return std::string(reinterpret_cast<const char*>(der.get()), static_cast<size_t>(len));
}

// A passphrase callback that refuses: OpenSSL's default would prompt on the
// terminal for an encrypted key.
int no_passphrase(char*, int, int, void*) { return -1; }

}  // namespace

SigningKey::SigningKey(EvpPkeyPtr key, JwsAlg alg)
    : key_(std::move(key)),
      digest_verifier_(make_digest_verifier(key_.get(), alg)),
      alg_(alg),
      kid_(compute_kid(key_.get())) {
    if (!kid_.empty()) jwk_ = make_jwk(key_.get(), alg_, kid_);
}

bool SigningKey::complete() const {
    return !kid_.empty() && !jwk_.empty() && (alg_ == JwsAlg::eddsa || digest_verifier_);
}

Result<SigningKey> SigningKey::generate(JwsAlg alg) {
    EVP_PKEY* raw = nullptr;
    switch (alg) {
        case JwsAlg::es256:
            raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
            break;
        case JwsAlg::eddsa:
            raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
            break;
        case JwsAlg::rs256:
        case JwsAlg::ps256:
            raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(kMinRsaBits));
            break;
    }
    EvpPkeyPtr key(raw);
    if (!key) return fail(ErrorCode::internal, "key generation failed: " + openssl_error());
    if (auto ok = check_key_type(key.get(), alg); !ok) {
        return fail(ErrorCode::internal, ok.error().detail);
    }
    SigningKey out(std::move(key), alg);
    if (!out.complete()) return fail(ErrorCode::internal, "cannot set up the key");
    return out;
}

Result<SigningKey> SigningKey::from_private_pem(std::string_view pem, JwsAlg alg) {
    if (pem.empty() || pem.size() > kMaxPemSize) {
        return fail(ErrorCode::invalid_input, "not a private key PEM (size)");
    }
    const BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) return fail(ErrorCode::internal, "BIO_new_mem_buf failed");
    EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
    if (!key) {
        return fail(ErrorCode::invalid_input, "not a private key PEM: " + openssl_error());
    }
    if (auto ok = check_key_type(key.get(), alg); !ok) {
        return fail(ok.error().code, ok.error().detail);
    }
    SigningKey out(std::move(key), alg);
    if (!out.complete()) return fail(ErrorCode::invalid_input, "cannot set up the key");
    // A key file whose public half does not match its private half would
    // sign tokens nobody can verify: find out now, not in production.
    static constexpr std::string_view kProbe = "authd key self-test";
    auto sig = out.sign(kProbe);
    if (!sig || !out.verify(kProbe, *sig)) {
        return fail(ErrorCode::invalid_input, "the key fails a sign/verify self-test");
    }
    return out;
}

std::string SigningKey::private_pem() const {
    const BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr,
                                              nullptr) != 1) {
        ERR_clear_error();
        return {};
    }
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    if (len <= 0 || data == nullptr) return {};
    // The memory BIO wipes its buffer when freed (BUF_MEM_free clears it).
    return std::string(data, static_cast<size_t>(len));
}

Result<std::string> SigningKey::sign(std::string_view signing_input) const {
    const MdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
    if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, digest_of(alg_), nullptr, key_.get()) != 1 ||
        !set_padding(pctx, alg_)) {
        return fail(ErrorCode::internal, "sign: init failed: " + openssl_error());
    }
    const int max = EVP_PKEY_get_size(key_.get());
    if (max <= 0) return fail(ErrorCode::internal, "sign: no signature size");
    std::string sig(static_cast<size_t>(max), '\0');
    size_t len = sig.size();
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                       bytes_of(signing_input), signing_input.size()) != 1) {
        return fail(ErrorCode::internal, "sign: failed: " + openssl_error());
    }
    sig.resize(len);
    if (alg_ != JwsAlg::es256) return sig;
    auto raw = der_to_raw(sig);
    if (!raw) return fail(ErrorCode::internal, "sign: cannot convert the ECDSA signature");
    return std::move(*raw);
}

bool SigningKey::verify(std::string_view signing_input, std::string_view signature) const {
    std::string der;
    std::string_view sig = signature;
    switch (alg_) {
        case JwsAlg::es256: {
            // NB: exactly 64 bytes; a DER signature (the classic ES256 bug)
            // or anything else is refused before conversion.
            if (signature.size() != kRawSigSize) return false;
            auto converted = raw_to_der(signature);
            if (!converted) {
                ERR_clear_error();
                return false;
            }
            der = std::move(*converted);
            sig = der;
            break;
        }
        case JwsAlg::eddsa:
            if (signature.size() != kRawSigSize) return false;
            break;
        case JwsAlg::rs256:
        case JwsAlg::ps256:
            if (signature.size() != static_cast<size_t>(EVP_PKEY_get_size(key_.get()))) {
                return false;
            }
            break;
    }
    int rc = 0;
    if (digest_verifier_) {
        const std::string digest = sha256(signing_input);
        rc = EVP_PKEY_verify(digest_verifier_.get(), bytes_of(sig), sig.size(), bytes_of(digest),
                             digest.size());
    } else {
        const MdCtxPtr ctx(EVP_MD_CTX_new());
        rc = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) == 1
                 ? EVP_DigestVerify(ctx.get(), bytes_of(sig), sig.size(), bytes_of(signing_input),
                                    signing_input.size())
                 : 0;
    }
    ERR_clear_error();
    return rc == 1;
}

std::string SigningKey::public_jwk_json() const { return jwk_; }

Result<DecodedJws> decode_jws(std::string_view token) {
    if (token.size() > kMaxJwsSize) return fail(ErrorCode::invalid_input, "jws: token too long");
    const size_t dot1 = token.find('.');
    const size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
        return fail(ErrorCode::invalid_input, "jws: not three dot-separated parts");
    }
    const std::string_view parts[3] = {
        token.substr(0, dot1), token.substr(dot1 + 1, dot2 - dot1 - 1), token.substr(dot2 + 1)};
    std::string decoded[3];
    for (int i = 0; i < 3; ++i) {
        if (parts[i].empty()) {
            return fail(ErrorCode::invalid_input, "jws: part " + std::to_string(i + 1) + " empty");
        }
        auto bytes = base64url_decode(parts[i]);
        if (!bytes) {
            return fail(ErrorCode::invalid_input,
                        "jws: part " + std::to_string(i + 1) + " is not base64url");
        }
        decoded[i] = std::move(*bytes);
    }
    DecodedJws out;
    out.header_json = std::move(decoded[0]);
    out.payload_json = std::move(decoded[1]);
    out.signing_input = std::string(token.substr(0, dot2));
    out.signature = std::move(decoded[2]);
    return out;
}

Result<std::string> encode_jws(std::string_view header_json, std::string_view payload_json,
                               const SigningKey& key) {
    // NB: nothing decode_jws would refuse (found by fuzz/fuzz_jwt.cpp).
    if (header_json.empty() || payload_json.empty()) {
        return fail(ErrorCode::invalid_input, "jws: empty header or payload");
    }
    std::string out = base64url_encode(header_json);
    out.push_back('.');
    out += base64url_encode(payload_json);
    auto sig = key.sign(out);
    if (!sig) return fail(sig.error().code, sig.error().detail);
    out.push_back('.');
    out += base64url_encode(*sig);
    return out;
}

}  // namespace authd::crypto
