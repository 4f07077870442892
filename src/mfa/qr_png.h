// mfa/qr_png.h
//
// What an authenticator app scans: the otpauth:// URI of a TOTP secret and
// a PNG of its QR code (also as a data: URI for a JSON response).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace authd::mfa {

// Pixels per QR module (the contract asks for at least 4) and the quiet
// zone around the symbol, in modules: a PNG is (modules + 8) * 6 pixels
// square.
inline constexpr int kQrPixelsPerModule = 6;
inline constexpr int kQrQuietZoneModules = 4;

// otpauth://totp/<Issuer>:<account>?secret=<BASE32>&issuer=<Issuer>
//     &algorithm=SHA1&digits=6&period=30
// Issuer and account are percent-encoded wherever they appear: RFC 3986
// unreserved characters (A-Z a-z 0-9 - . _ ~) are kept, every other byte
// becomes %XX with uppercase hex ('@' -> %40, ' ' -> %20, ':' -> %3A, so a
// colon in the issuer cannot move the label's separator).  The secret is
// encoded the same way, which leaves base32 unchanged.
std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view secret_base32);

// A PNG of the QR code of `text` (8-bit mode, error correction level M):
// 1-bit grayscale, dark modules black, kQrPixelsPerModule pixels per module,
// a quiet zone of kQrQuietZoneModules.  invalid_input when the text is too
// long for any QR version or empty; internal when libqrencode or libpng fail
// otherwise (out of memory).
Result<std::string> qr_png(std::string_view text);

// "data:image/png;base64," followed by the standard base64 of `png`.
std::string png_data_uri(std::string_view png);

}  // namespace authd::mfa
