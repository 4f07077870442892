// tests/unit/crypto/crypto_test.cpp
//
// The crypto primitives below JWS: encodings (RFC 4648 section 10 vectors
// and the strictness of the decoders), SHA-256 and HMAC-SHA-256 (FIPS 180
// and RFC 4231 vectors), randomness, AES-256-GCM sealing and Argon2id
// password hashing.

#include <gtest/gtest.h>

#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/aead.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/password.h"
#include "crypto/random.h"

namespace authd::crypto {
namespace {

using namespace std::string_literals;

// ----- encodings -----

struct Rfc4648Vector {
    const char* bytes;
    const char* base64;
    const char* base32;
    const char* hex;
};

// RFC 4648 section 10.
const Rfc4648Vector kRfc4648[] = {
    {"", "", "", ""},
    {"f", "Zg==", "MY======", "66"},
    {"fo", "Zm8=", "MZXQ====", "666f"},
    {"foo", "Zm9v", "MZXW6===", "666f6f"},
    {"foob", "Zm9vYg==", "MZXW6YQ=", "666f6f62"},
    {"fooba", "Zm9vYmE=", "MZXW6YTB", "666f6f6261"},
    {"foobar", "Zm9vYmFy", "MZXW6YTBOI======", "666f6f626172"},
};

std::string strip_padding(std::string s) {
    while (!s.empty() && s.back() == '=') s.pop_back();
    return s;
}

TEST(Encoding, Rfc4648Base64) {
    for (const auto& v : kRfc4648) {
        EXPECT_EQ(base64_encode(v.bytes), v.base64) << v.bytes;
        EXPECT_EQ(base64_decode(v.base64), std::optional<std::string>(v.bytes)) << v.bytes;
    }
}

TEST(Encoding, Rfc4648Base64Url) {
    for (const auto& v : kRfc4648) {
        const std::string unpadded = strip_padding(v.base64);
        EXPECT_EQ(base64url_encode(v.bytes), unpadded) << v.bytes;
        EXPECT_EQ(base64url_decode(unpadded), std::optional<std::string>(v.bytes)) << v.bytes;
    }
}

TEST(Encoding, Rfc4648Base32) {
    for (const auto& v : kRfc4648) {
        const std::string unpadded = strip_padding(v.base32);
        EXPECT_EQ(base32_encode(v.bytes), unpadded) << v.bytes;
        // Padding optional, any case.
        EXPECT_EQ(base32_decode(v.base32), std::optional<std::string>(v.bytes)) << v.base32;
        EXPECT_EQ(base32_decode(unpadded), std::optional<std::string>(v.bytes)) << unpadded;
        std::string lower = unpadded;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        EXPECT_EQ(base32_decode(lower), std::optional<std::string>(v.bytes)) << lower;
    }
}

TEST(Encoding, Rfc4648Hex) {
    for (const auto& v : kRfc4648) EXPECT_EQ(hex_encode(v.bytes), v.hex) << v.bytes;
    EXPECT_EQ(hex_encode("\x00\x7f\x80\xff"s), "007f80ff");
}

TEST(Encoding, UrlAndStandardAlphabetsDiffer) {
    const std::string bytes = "\xfb\xff\xbf"s;
    EXPECT_EQ(base64_encode(bytes), "+/+/");
    EXPECT_EQ(base64url_encode(bytes), "-_-_");
    EXPECT_EQ(base64url_decode("-_-_"), std::optional<std::string>(bytes));
    EXPECT_EQ(base64url_decode("+/+/"), std::nullopt);
    EXPECT_EQ(base64_decode("-_-_"), std::nullopt);
}

TEST(Encoding, RoundTripsEveryLength) {
    for (size_t n = 0; n <= 70; ++n) {
        const std::string bytes = random_bytes(n);
        EXPECT_EQ(base64url_decode(base64url_encode(bytes)), std::optional<std::string>(bytes));
        EXPECT_EQ(base64_decode(base64_encode(bytes)), std::optional<std::string>(bytes));
        EXPECT_EQ(base32_decode(base32_encode(bytes)), std::optional<std::string>(bytes));
        EXPECT_EQ(hex_encode(bytes).size(), 2 * n);
    }
}

TEST(Encoding, Base64UrlDecodeIsStrict) {
    const char* rejected[] = {
        "Zg==",    // padding
        "Zm8=",    // padding
        "Z",       // 1 mod 4: no byte string encodes to this
        "Zm9vY",   // 1 mod 4
        "Zm9v!",   // outside the alphabet
        "Zm 9v",   // space
        "Zm9v\n",  // newline
        "Zm+v",    // standard alphabet
        "Zm/v",    // standard alphabet
        "Zh",      // unused low bits set: "Zg" is the canonical form of "f"
        "Zm9",     // unused low bits set: "Zm8" is the canonical form of "fo"
    };
    for (const char* text : rejected) EXPECT_EQ(base64url_decode(text), std::nullopt) << text;
    EXPECT_EQ(base64url_decode("Zm\0v"s), std::nullopt);
    EXPECT_EQ(base64url_decode("Zg"), std::optional<std::string>("f"));
    EXPECT_EQ(base64url_decode(""), std::optional<std::string>(""));
}

TEST(Encoding, Base64DecodeIsStrict) {
    const char* rejected[] = {
        "Zg", "Zg=", "Z===", "Zg=a", "=Zg=", "Zm9v!A==", "Zh==", "Zm9=", "Zg==Zg=="};
    for (const char* text : rejected) EXPECT_EQ(base64_decode(text), std::nullopt) << text;
}

TEST(Encoding, Base32DecodeRejectsImpossibleText) {
    const char* rejected[] = {
        "M", "MZX", "MZXW6Y", "MY=", "MY=======", "MZXW6YTB========", "M1", "MY======MY", "MZ XW"};
    for (const char* text : rejected) EXPECT_EQ(base32_decode(text), std::nullopt) << text;
}

// ----- digests -----

TEST(Digest, Sha256Vectors) {
    EXPECT_EQ(hex_encode(sha256("abc")),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(hex_encode(sha256("")),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(hex_encode(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Digest, HmacSha256Rfc4231) {
    // Test case 1.
    EXPECT_EQ(hex_encode(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    // Test case 2: a key shorter than the block.
    EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    // Test case 6: a key longer than the block is hashed first.
    EXPECT_EQ(hex_encode(hmac_sha256(std::string(131, '\xaa'),
                                     "Test Using Larger Than Block-Size Key - Hash Key First")),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Digest, EqualConstantTime) {
    EXPECT_TRUE(equal_constant_time("", ""));
    EXPECT_TRUE(equal_constant_time("abc", "abc"));
    EXPECT_FALSE(equal_constant_time("abc", "abd"));
    EXPECT_FALSE(equal_constant_time("abc", "ab"));
    EXPECT_FALSE(equal_constant_time("", "a"));
    EXPECT_FALSE(equal_constant_time("a\0b"s, "a\0c"s));
}

// ----- randomness -----

TEST(Random, BytesHaveTheLengthAskedAndDiffer) {
    EXPECT_EQ(random_bytes(0), "");
    EXPECT_EQ(random_bytes(33).size(), 33u);
    EXPECT_NE(random_bytes(32), random_bytes(32));
}

TEST(Random, BelowStaysInRangeAndCoversIt) {
    EXPECT_EQ(random_below(1), 0u);
    std::set<uint32_t> seen;
    for (int i = 0; i < 2000; ++i) {
        const uint32_t v = random_below(10);
        ASSERT_LT(v, 10u);
        seen.insert(v);
    }
    EXPECT_EQ(seen.size(), 10u);
    // A bound just above 2^31 rejects almost half the draws; still in range.
    for (int i = 0; i < 100; ++i) EXPECT_LT(random_below(0x80000001u), 0x80000001u);
}

TEST(Random, Digits) {
    EXPECT_EQ(random_digits(0), "");
    std::set<char> seen;
    for (int i = 0; i < 200; ++i) {
        const std::string code = random_digits(6);
        ASSERT_EQ(code.size(), 6u);
        for (const char c : code) {
            ASSERT_TRUE(c >= '0' && c <= '9') << code;
            seen.insert(c);
        }
    }
    EXPECT_EQ(seen.size(), 10u);  // leading zeros and every digit occur
}

// ----- AES-256-GCM -----

Secret key_of(char fill) { return Secret(std::string(32, fill)); }

TEST(Aead, RoundTrip) {
    const Secret key(random_bytes(32));
    for (const std::string& plain : {""s, "x"s, "JBSWY3DPEHPK3PXP"s, std::string(1000, 'q')}) {
        auto sealed = aead_seal(key, plain, "user:42");
        ASSERT_TRUE(sealed) << sealed.error().detail;
        EXPECT_EQ(sealed->size(), 12 + plain.size() + 16);
        auto opened = aead_open(key, *sealed, "user:42");
        ASSERT_TRUE(opened) << opened.error().detail;
        EXPECT_EQ(opened->reveal(), plain);
    }
}

TEST(Aead, FreshNonceEverySeal) {
    const Secret key = key_of('k');
    auto a = aead_seal(key, "same", "ad");
    auto b = aead_seal(key, "same", "ad");
    ASSERT_TRUE(a && b);
    EXPECT_NE(a->substr(0, 12), b->substr(0, 12));
    EXPECT_NE(*a, *b);
}

void expect_rejected(const Result<Secret>& r) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::invalid_input);
}

TEST(Aead, WrongKeyFails) {
    auto sealed = aead_seal(key_of('a'), "secret", "ad");
    ASSERT_TRUE(sealed);
    expect_rejected(aead_open(key_of('b'), *sealed, "ad"));
}

TEST(Aead, WrongAssociatedDataFails) {
    auto sealed = aead_seal(key_of('a'), "secret", "user:1");
    ASSERT_TRUE(sealed);
    expect_rejected(aead_open(key_of('a'), *sealed, "user:2"));
    expect_rejected(aead_open(key_of('a'), *sealed, ""));
}

TEST(Aead, EveryFlippedBitFails) {
    const Secret key = key_of('a');
    auto sealed = aead_seal(key, "secret", "ad");
    ASSERT_TRUE(sealed);
    // Nonce, ciphertext and tag: each bit of each byte.
    for (size_t i = 0; i < sealed->size(); ++i) {
        for (int bit = 0; bit < 8; ++bit) {
            std::string bad = *sealed;
            bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
            expect_rejected(aead_open(key, bad, "ad"));
        }
    }
}

TEST(Aead, TruncatedOrExtendedFails) {
    const Secret key = key_of('a');
    auto sealed = aead_seal(key, "secret", "ad");
    ASSERT_TRUE(sealed);
    expect_rejected(aead_open(key, sealed->substr(0, sealed->size() - 1), "ad"));
    expect_rejected(aead_open(key, sealed->substr(1), "ad"));
    expect_rejected(aead_open(key, *sealed + "x", "ad"));
    expect_rejected(aead_open(key, sealed->substr(0, 27), "ad"));
    expect_rejected(aead_open(key, "", "ad"));
}

TEST(Aead, KeyMustBe32Bytes) {
    for (const size_t n : {0u, 16u, 31u, 33u}) {
        const Secret key(std::string(n, 'k'));
        auto sealed = aead_seal(key, "secret", "ad");
        EXPECT_FALSE(sealed) << n;
        auto opened = aead_open(key, std::string(40, '\0'), "ad");
        EXPECT_FALSE(opened) << n;
    }
}

// ----- Argon2id -----

// Small parameters keep the tests fast; the defaults get one test of their own.
const Argon2Params kFast{256, 1, 1};

TEST(Password, HashAndVerify) {
    auto phc = hash_password("correct horse", kFast);
    ASSERT_TRUE(phc) << phc.error().detail;
    EXPECT_EQ(phc->rfind("$argon2id$v=19$m=256,t=1,p=1$", 0), 0u) << *phc;
    EXPECT_TRUE(verify_password("correct horse", *phc));
    EXPECT_FALSE(verify_password("correct horse ", *phc));
    EXPECT_FALSE(verify_password("Correct horse", *phc));
    EXPECT_FALSE(verify_password("", *phc));
}

TEST(Password, DefaultParametersAndLayout) {
    auto phc = hash_password("Tr0ub4dor&3", Argon2Params{});
    ASSERT_TRUE(phc) << phc.error().detail;
    const std::string prefix = "$argon2id$v=19$m=19456,t=2,p=1$";
    ASSERT_EQ(phc->rfind(prefix, 0), 0u) << *phc;
    const std::string rest = phc->substr(prefix.size());
    const size_t dollar = rest.find('$');
    ASSERT_NE(dollar, std::string::npos);
    EXPECT_EQ(dollar, 22u);                    // 16-byte salt
    EXPECT_EQ(rest.size() - dollar - 1, 43u);  // 32-byte hash
    EXPECT_TRUE(verify_password("Tr0ub4dor&3", *phc));
    EXPECT_FALSE(needs_rehash(*phc, Argon2Params{}));
}

TEST(Password, SaltIsRandom) {
    auto a = hash_password("pw", kFast);
    auto b = hash_password("pw", kFast);
    ASSERT_TRUE(a && b);
    EXPECT_NE(*a, *b);
}

TEST(Password, EmptyAndBinaryPasswords) {
    auto empty = hash_password("", kFast);
    ASSERT_TRUE(empty);
    EXPECT_TRUE(verify_password("", *empty));
    EXPECT_FALSE(verify_password("x", *empty));
    const std::string binary = "a\0b"s;
    auto bin = hash_password(binary, kFast);
    ASSERT_TRUE(bin);
    EXPECT_TRUE(verify_password(binary, *bin));
    EXPECT_FALSE(verify_password("a", *bin));
}

TEST(Password, MalformedHashIsFalse) {
    auto phc = hash_password("pw", kFast);
    ASSERT_TRUE(phc);
    const std::vector<std::string> malformed = {
        "",
        "garbage",
        "$argon2id$",
        "$argon2id$v=19$m=256,t=1,p=1$",
        phc->substr(0, phc->size() - 10),
        phc->substr(0, 20) + "\0"s + phc->substr(20),
        "$argon2i" + phc->substr(9),  // another variant's name on this hash
    };
    for (const auto& s : malformed) EXPECT_FALSE(verify_password("pw", s)) << s;
}

TEST(Password, BadParametersFail) {
    EXPECT_FALSE(hash_password("pw", Argon2Params{256, 0, 1}));
    EXPECT_FALSE(hash_password("pw", Argon2Params{1, 1, 1}));
    EXPECT_FALSE(hash_password("pw", Argon2Params{256, 1, 0}));
}

TEST(Password, NeedsRehash) {
    auto phc = hash_password("pw", kFast);
    ASSERT_TRUE(phc);
    EXPECT_FALSE(needs_rehash(*phc, kFast));
    EXPECT_TRUE(needs_rehash(*phc, Argon2Params{512, 1, 1}));
    EXPECT_TRUE(needs_rehash(*phc, Argon2Params{256, 2, 1}));
    EXPECT_TRUE(needs_rehash(*phc, Argon2Params{256, 1, 2}));
    EXPECT_TRUE(needs_rehash(*phc, Argon2Params{}));
    EXPECT_TRUE(needs_rehash("", kFast));
    EXPECT_TRUE(needs_rehash("garbage", kFast));
    EXPECT_TRUE(needs_rehash("$argon2i" + phc->substr(9), kFast));
    EXPECT_TRUE(needs_rehash("$argon2id$v=16" + phc->substr(14), kFast));
    EXPECT_TRUE(needs_rehash(phc->substr(0, phc->size() - 1), kFast));  // short hash
}

}  // namespace
}  // namespace authd::crypto
