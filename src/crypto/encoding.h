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
// Rejects padding, characters outside the alphabet and impossible lengths.
std::optional<std::string> base64url_decode(std::string_view text);

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

std::string hex_encode(std::string_view bytes);

// Uppercase RFC 4648 base32 without padding.
std::string base32_encode(std::string_view bytes);
// Case-insensitive; padding optional.
std::optional<std::string> base32_decode(std::string_view text);

}  // namespace authd::crypto
