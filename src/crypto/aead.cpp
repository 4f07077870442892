// crypto/aead.cpp
//
// AES-256-GCM sealing for secrets at rest (TOTP secrets, outbox payloads).
// Layout: nonce (12) || ciphertext || tag (16).  The nonce is random per
// seal; with 96-bit random nonces one key stays safe for far more values
// than authd will ever seal (the NIST bound is 2^32 per key).
//
// Opening never releases plaintext before the tag has verified: the
// decrypted bytes are wiped and dropped when EVP_DecryptFinal_ex fails.
#include "crypto/aead.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <climits>

#include "core/c_ptr.h"
#include "crypto/random.h"

namespace authd::crypto {

namespace {

constexpr size_t kKeySize = 32;
constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;

using CipherCtxPtr = CPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;

const unsigned char* bytes_of(std::string_view s) {
    static const unsigned char kEmpty = 0;
    return s.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}

unsigned char* bytes_of(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

Result<CipherCtxPtr> make_ctx(const Secret& key, std::string_view nonce, bool encrypt) {
    if (key.size() != kKeySize) {
        return fail(ErrorCode::internal,
                    "aead: key must be 32 bytes, got " + std::to_string(key.size()));
    }
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    if (!ctx) return fail(ErrorCode::internal, "aead: EVP_CIPHER_CTX_new failed");
    const int enc = encrypt ? 1 : 0;
    if (EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr, enc) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceSize),
                            nullptr) != 1 ||
        EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, bytes_of(key.reveal()), bytes_of(nonce),
                          enc) != 1) {
        return fail(ErrorCode::internal, "aead: cipher initialisation failed");
    }
    return ctx;
}

bool too_long(std::string_view s) { return s.size() > static_cast<size_t>(INT_MAX) - 64; }

}  // namespace

Result<std::string> aead_seal(const Secret& key, std::string_view plaintext,
                              std::string_view associated_data) {
    if (too_long(plaintext) || too_long(associated_data)) {
        return fail(ErrorCode::invalid_input, "aead: input too long");
    }
    std::string out = random_bytes(kNonceSize);
    auto ctx = make_ctx(key, out, true);
    if (!ctx) return fail(ctx.error().code, ctx.error().detail);

    int len = 0;
    if (EVP_EncryptUpdate(ctx->get(), nullptr, &len, bytes_of(associated_data),
                          static_cast<int>(associated_data.size())) != 1) {
        return fail(ErrorCode::internal, "aead: associated data rejected");
    }
    out.resize(kNonceSize + plaintext.size() + kTagSize);
    unsigned char* cipher = bytes_of(out) + kNonceSize;
    if (EVP_EncryptUpdate(ctx->get(), cipher, &len, bytes_of(plaintext),
                          static_cast<int>(plaintext.size())) != 1) {
        return fail(ErrorCode::internal, "aead: encryption failed");
    }
    size_t written = static_cast<size_t>(len);
    if (EVP_EncryptFinal_ex(ctx->get(), cipher + written, &len) != 1) {
        return fail(ErrorCode::internal, "aead: encryption failed");
    }
    written += static_cast<size_t>(len);
    if (written != plaintext.size() ||
        EVP_CIPHER_CTX_ctrl(ctx->get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize),
                            cipher + written) != 1) {
        return fail(ErrorCode::internal, "aead: tag computation failed");
    }
    return out;
}

Result<Secret> aead_open(const Secret& key, std::string_view sealed,
                         std::string_view associated_data) {
    if (sealed.size() < kNonceSize + kTagSize) {
        return fail(ErrorCode::invalid_input, "aead: sealed value too short");
    }
    if (too_long(sealed) || too_long(associated_data)) {
        return fail(ErrorCode::invalid_input, "aead: input too long");
    }
    const std::string_view nonce = sealed.substr(0, kNonceSize);
    const std::string_view cipher =
        sealed.substr(kNonceSize, sealed.size() - kNonceSize - kTagSize);
    // EVP_CTRL_GCM_SET_TAG takes a non-const pointer; give it a copy.
    std::string tag(sealed.substr(sealed.size() - kTagSize));

    auto ctx = make_ctx(key, nonce, false);
    if (!ctx) return fail(ctx.error().code, ctx.error().detail);

    int len = 0;
    if (EVP_DecryptUpdate(ctx->get(), nullptr, &len, bytes_of(associated_data),
                          static_cast<int>(associated_data.size())) != 1) {
        return fail(ErrorCode::internal, "aead: associated data rejected");
    }
    // Secret exposes no mutable buffer, so decrypt into a string that is
    // wiped on every path that does not hand it over.
    std::string buf(cipher.size(), '\0');
    bool ok = EVP_DecryptUpdate(ctx->get(), bytes_of(buf), &len, bytes_of(cipher),
                                static_cast<int>(cipher.size())) == 1;
    size_t written = ok ? static_cast<size_t>(len) : 0;
    ok = ok && EVP_CIPHER_CTX_ctrl(ctx->get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize),
                                   tag.data()) == 1;
    // NB: the tag is checked here; nothing decrypted may leave before it.
    ok = ok && EVP_DecryptFinal_ex(ctx->get(), bytes_of(buf) + written, &len) == 1;
    if (!ok) {
        OPENSSL_cleanse(buf.data(), buf.size());
        return fail(ErrorCode::invalid_input, "aead: authentication failed");
    }
    Secret plain(std::move(buf));
    // A short string moves by copying its inline buffer: wipe what stays.
    // NOLINTNEXTLINE(bugprone-use-after-move): wiping the moved-from buffer is the point
    OPENSSL_cleanse(buf.data(), buf.capacity());
    return plain;
}

}  // namespace authd::crypto
