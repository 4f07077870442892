// crypto/encoding.h
//
// Byte encodings: base64url without padding (JWT, tokens), standard base64
// with padding (data: URIs), lowercase hex, RFC 4648 base32 (TOTP secrets).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace authd::crypto {

std::string base64url_encode(std::string_view bytes);
// Rejects padding, characters outside the alphabet, impossible lengths
// (1 mod 4) and non-zero unused bits in the last character, so only the
// canonical encoding of a byte string decodes.
std::optional<std::string> base64url_decode(std::string_view text);

std::string base64_encode(std::string_view bytes);
// Padding required (length a multiple of 4); otherwise as strict as
// base64url_decode.
std::optional<std::string> base64_decode(std::string_view text);

std::string hex_encode(std::string_view bytes);
// Either case; nullopt for an odd length or a non-hex character.
std::optional<std::string> hex_decode(std::string_view text);

// Uppercase RFC 4648 base32 without padding.
std::string base32_encode(std::string_view bytes);
// Case-insensitive; padding optional but, when present, complete; unused
// low bits ignored (text a person typed).  Rejects other characters and
// impossible lengths (1, 3 or 6 mod 8).
std::optional<std::string> base32_decode(std::string_view text);

}  // namespace authd::crypto
