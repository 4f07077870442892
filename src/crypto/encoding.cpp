// crypto/encoding.cpp
//
// RFC 4648 encodings, written out rather than borrowed so that decoding can
// be strict where it matters.  base64url (JWS parts, tokens) and base64
// decode only canonical text: alphabet characters only, no length of
// 1 mod 4, and zero bits in the last character's unused low bits, so one
// byte string has exactly one accepted encoding.  base32 decoding is for
// secrets a person may have typed: any case, padding optional, unused low
// bits ignored.
#include "crypto/encoding.h"

#include <array>
#include <cstdint>

namespace authd::crypto {

namespace {

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kBase64UrlAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr char kBase32Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr char kHexDigits[] = "0123456789abcdef";

using Table = std::array<int8_t, 256>;

// Byte -> digit value, -1 for bytes outside the alphabet.
constexpr Table make_table(const char* alphabet, bool fold_case) {
    Table t{};
    for (auto& v : t) v = -1;
    for (int i = 0; alphabet[i] != '\0'; ++i) {
        const auto c = static_cast<unsigned char>(alphabet[i]);
        t[c] = static_cast<int8_t>(i);
        if (fold_case && c >= 'A' && c <= 'Z') t[c - 'A' + 'a'] = static_cast<int8_t>(i);
    }
    return t;
}

constexpr Table kBase64Table = make_table(kBase64Alphabet, false);
constexpr Table kBase64UrlTable = make_table(kBase64UrlAlphabet, false);
constexpr Table kBase32Table = make_table(kBase32Alphabet, true);

std::string encode64(std::string_view bytes, const char* alphabet, bool pad) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16 |
                           static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8 |
                           static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 2]));
        out.push_back(alphabet[v >> 18 & 63]);
        out.push_back(alphabet[v >> 12 & 63]);
        out.push_back(alphabet[v >> 6 & 63]);
        out.push_back(alphabet[v & 63]);
    }
    const size_t rest = bytes.size() - i;
    if (rest == 1) {
        const uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
        out.push_back(alphabet[v >> 18 & 63]);
        out.push_back(alphabet[v >> 12 & 63]);
        if (pad) out.append("==");
    } else if (rest == 2) {
        const uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16 |
                           static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
        out.push_back(alphabet[v >> 18 & 63]);
        out.push_back(alphabet[v >> 12 & 63]);
        out.push_back(alphabet[v >> 6 & 63]);
        if (pad) out.push_back('=');
    }
    return out;
}

// Decodes unpadded text; padding has been checked and removed by the caller.
std::optional<std::string> decode64(std::string_view text, const Table& table) {
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() / 4 * 3 + 2);
    uint32_t acc = 0;
    int bits = 0;
    for (const char ch : text) {
        const int8_t v = table[static_cast<unsigned char>(ch)];
        if (v < 0) return std::nullopt;
        acc = (acc << 6 | static_cast<uint32_t>(v)) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>(acc >> bits & 0xff));
        }
    }
    // The last character's unused low bits must be zero: otherwise several
    // texts would decode to the same bytes.
    if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
    return encode64(bytes, kBase64UrlAlphabet, false);
}

std::optional<std::string> base64url_decode(std::string_view text) {
    return decode64(text, kBase64UrlTable);  // '=' is not in the table
}

std::string base64_encode(std::string_view bytes) { return encode64(bytes, kBase64Alphabet, true); }

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    size_t pad = 0;
    while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
    // A third '=' (or one in the middle) fails as a character outside the
    // alphabet below.
    return decode64(text.substr(0, text.size() - pad), kBase64Table);
}

std::string hex_encode(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char ch : bytes) {
        const auto b = static_cast<unsigned char>(ch);
        out.push_back(kHexDigits[b >> 4]);
        out.push_back(kHexDigits[b & 15]);
    }
    return out;
}

std::optional<std::string> hex_decode(std::string_view text) {
    if (text.size() % 2 != 0) return std::nullopt;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(text.size() / 2);
    for (size_t i = 0; i < text.size(); i += 2) {
        const int hi = nibble(text[i]);
        const int lo = nibble(text[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
    }
    return out;
}

std::string base32_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() * 8 + 4) / 5);
    uint32_t acc = 0;
    int bits = 0;
    for (const char ch : bytes) {
        acc = (acc << 8 | static_cast<unsigned char>(ch)) & 0xffff;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out.push_back(kBase32Alphabet[acc >> bits & 31]);
        }
    }
    if (bits > 0) out.push_back(kBase32Alphabet[acc << (5 - bits) & 31]);
    return out;
}

std::optional<std::string> base32_decode(std::string_view text) {
    size_t pad = 0;
    while (pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
    const std::string_view body = text.substr(0, text.size() - pad);
    // Lengths a whole number of bytes can produce: 8k + {0, 2, 4, 5, 7}.
    switch (body.size() % 8) {
        case 1:
        case 3:
        case 6:
            return std::nullopt;
        default:
            break;
    }
    // Padding, when present, must complete the last 8-character group.
    if (pad > 0 && (body.size() % 8 == 0 || body.size() % 8 + pad != 8)) return std::nullopt;
    std::string out;
    out.reserve(body.size() * 5 / 8);
    uint32_t acc = 0;
    int bits = 0;
    for (const char ch : body) {
        const int8_t v = kBase32Table[static_cast<unsigned char>(ch)];
        if (v < 0) return std::nullopt;
        acc = (acc << 5 | static_cast<uint32_t>(v)) & 0xffff;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>(acc >> bits & 0xff));
        }
    }
    return out;
}

}  // namespace authd::crypto
