// crypto/totp.cpp
//
// TOTP over liboath's HOTP generator.  liboath is used only to generate the
// code of one counter value: its validate functions compare with strcmp,
// whose time depends on the first differing digit, so matching is done
// here by generating each candidate and comparing with CRYPTO_memcmp.
// oath_init runs once per process (a thread-safe function-local static);
// oath_done is never called, as the library stays in use until exit.
#include "crypto/totp.h"

#include <liboath/oath.h>

#include <array>
#include <cstdio>
#include <cstdlib>

#include "crypto/digest.h"
#include "crypto/random.h"

namespace authd::crypto {

namespace {

constexpr size_t kSecretSize = 20;

[[noreturn]] void die(const char* what, int rc) {
    std::fprintf(stderr, "authd: fatal: %s: %s\n", what, oath_strerror(rc));
    std::abort();
}

void ensure_oath_initialised() {
    static const bool kInitialised = [] {
        const int rc = oath_init();
        if (rc != OATH_OK) die("oath_init failed", rc);
        return true;
    }();
    (void)kInitialised;
}

bool is_six_digits(std::string_view code) {
    if (code.size() != static_cast<size_t>(kTotpDigits)) return false;
    for (char c : code) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

}  // namespace

int64_t totp_step(int64_t unix_time) {
    int64_t step = unix_time / kTotpPeriod;
    if (unix_time % kTotpPeriod < 0) --step;
    return step;
}

std::string totp_code(std::string_view secret_bytes, int64_t step) {
    ensure_oath_initialised();
    // A string_view's data() may be null when empty; liboath wants a pointer.
    static const char kEmpty = '\0';
    const char* secret = secret_bytes.empty() ? &kEmpty : secret_bytes.data();
    std::array<char, kTotpDigits + 1> out{};
    const int rc = oath_hotp_generate(secret, secret_bytes.size(), static_cast<uint64_t>(step),
                                      kTotpDigits, false, OATH_HOTP_DYNAMIC_TRUNCATION, out.data());
    if (rc != OATH_OK) die("oath_hotp_generate failed", rc);
    return std::string(out.data(), kTotpDigits);
}

std::optional<int64_t> match_totp(std::string_view secret_bytes, std::string_view code,
                                  int64_t unix_time) {
    if (!is_six_digits(code)) return std::nullopt;
    const int64_t now = totp_step(unix_time);
    // Every candidate is generated and compared, whatever matched before, so
    // the time taken does not say which step (if any) the code belongs to.
    std::optional<int64_t> matched;
    for (const int64_t step : {now, now - 1, now + 1}) {
        if (step < 0) continue;
        const bool equal = equal_constant_time(totp_code(secret_bytes, step), code);
        if (equal && !matched) matched = step;
    }
    return matched;
}

std::string new_totp_secret() { return random_bytes(kSecretSize); }

}  // namespace authd::crypto
