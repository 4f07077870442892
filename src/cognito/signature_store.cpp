// cognito/signature_store.cpp
#include "cognito/signature_store.h"

#include <string>

#include "crypto/digest.h"
#include "crypto/encoding.h"

namespace authd::cognito {
namespace {

constexpr db::Statement kForget{
    "cognito_signatures_forget",
    "DELETE FROM cognito_signatures WHERE seen_at < now() - make_interval(secs => $1::int)"};
constexpr db::Statement kRemember{
    "cognito_signatures_remember",
    "INSERT INTO cognito_signatures (signature_hash) VALUES (decode($1, 'hex'))"
    " ON CONFLICT (signature_hash) DO NOTHING"};

}  // namespace

Result<bool> first_use_of_signature(db::Connection& db, std::string_view signature,
                                    int window_seconds) {
    // Twice the window: a date up to the window ahead stays valid that
    // much longer than its arrival.
    if (auto r = db.exec(kForget, {std::to_string(2 * window_seconds)}); !r) {
        return Unexpected{r.error()};
    }
    auto r = db.exec(kRemember, {crypto::hex_encode(crypto::sha256(signature))});
    if (!r) return Unexpected{r.error()};
    return r->affected() == 1;
}

}  // namespace authd::cognito
