// crypto/totp.h
//
// RFC 6238 time-based one-time passwords: HMAC-SHA-1, 6 digits, 30-second
// steps.  A primitive only: which steps a user may still use (each at most
// once) is the MFA store's rule, not this file's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace authd::crypto {

inline constexpr int kTotpDigits = 6;
inline constexpr int kTotpPeriod = 30;

// floor(unix_time / 30), rounding towards minus infinity for times before
// the epoch.
int64_t totp_step(int64_t unix_time);

// The 6-digit code (leading zeros kept) for `step` (>= 0) under the raw
// secret bytes, computed with liboath.  Aborts the process if liboath fails,
// which it cannot do for these parameters short of being broken.
std::string totp_code(std::string_view secret_bytes, int64_t step);

// The absolute step whose code `code` is, among totp_step(unix_time) - 1,
// itself and + 1 (negative steps are never candidates); nullopt when none
// matches.  Each candidate is compared in constant time.  A code that is
// not exactly 6 ASCII digits is refused before any comparison.  If a code
// matches two steps (a one-in-a-million coincidence) the current step wins,
// then the earlier one.
std::optional<int64_t> match_totp(std::string_view secret_bytes, std::string_view code,
                                  int64_t unix_time);

// A new secret: 20 random bytes (160 bits, RFC 4226's recommendation).
// Raw bytes; base32_encode them for the otpauth URI.
std::string new_totp_secret();

}  // namespace authd::crypto
