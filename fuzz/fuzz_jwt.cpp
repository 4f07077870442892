// fuzz/fuzz_jwt.cpp
//
// The JWS parser and verifier on any token a client could present: decode,
// then verify under a key of every algorithm (ES256 signatures go through
// the r||s to DER conversion).  Nothing a client makes up may verify, and a
// token we sign ourselves must decode to what we signed and verify under
// its key only, with any flipped signature bit refused.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/jwt.h"

namespace {

using authd::JwsAlg;
using authd::crypto::SigningKey;

const std::vector<SigningKey>& keys() {
    static const std::vector<SigningKey> all = [] {
        std::vector<SigningKey> out;
        for (JwsAlg alg : {JwsAlg::es256, JwsAlg::eddsa, JwsAlg::rs256, JwsAlg::ps256}) {
            auto key = SigningKey::generate(alg);
            if (!key) std::abort();
            out.push_back(std::move(*key));
        }
        return out;
    }();
    return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace authd::crypto;
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    // As a presented token.
    if (auto jws = decode_jws(input)) {
        for (const SigningKey& key : keys()) {
            if (key.verify(jws->signing_input, jws->signature)) std::abort();  // forged
        }
    }

    // As a payload we sign: the first byte picks the key.
    if (size == 0) return 0;
    const SigningKey& key = keys()[data[0] % keys().size()];
    const std::string_view payload = input.substr(1);
    auto token = encode_jws(R"({"alg":"x","typ":"at+jwt"})", payload, key);
    if (!token) {
        if (payload.empty()) return 0;  // refused, as decode_jws would
        std::abort();
    }
    auto back = decode_jws(*token);
    if (token->size() <= kMaxJwsSize) {
        if (!back || back->payload_json != payload) std::abort();
        if (!key.verify(back->signing_input, back->signature)) std::abort();
        std::string flipped = back->signature;
        flipped[size % flipped.size()] ^= static_cast<char>(1u << (size % 8));
        if (key.verify(back->signing_input, flipped)) std::abort();
        for (const SigningKey& other : keys()) {
            if (&other != &key && other.verify(back->signing_input, back->signature)) std::abort();
        }
    } else if (back) {
        std::abort();  // over the size limit yet decoded
    }
    return 0;
}
