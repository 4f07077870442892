// accounts/email_codes.cpp
#include "accounts/email_codes.h"

#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"

namespace authd::accounts {
namespace {

// Codes of one user are issued one transaction at a time (see issue_code).
constexpr db::Statement kLockUser{"code_lock_user",
                                  "SELECT 1 FROM users WHERE id = $1::uuid FOR UPDATE"};
constexpr db::Statement kSupersede{"code_supersede",
                                   "UPDATE email_codes SET superseded = true"
                                   " WHERE user_id = $1::uuid AND purpose = $2 AND NOT superseded"};
constexpr db::Statement kInsert{
    "code_insert",
    "INSERT INTO email_codes (user_id, purpose, code_hash, expires_at)"
    " VALUES ($1::uuid, $2, decode($3, 'hex'), now() + make_interval(secs => $4::int))"};
// Superseded codes that expired are of no more use.
constexpr db::Statement kDropExpired{
    "code_drop_expired",
    "DELETE FROM email_codes WHERE user_id = $1::uuid AND purpose = $2 AND superseded"
    " AND expires_at < now()"};
constexpr db::Statement kLock{
    "code_lock",
    "SELECT id, encode(code_hash, 'hex'), superseded, expires_at < now(), attempts"
    " FROM email_codes WHERE user_id = $1::uuid AND purpose = $2"
    " ORDER BY superseded, id DESC FOR UPDATE"};
constexpr db::Statement kCountTry{"code_count_try",
                                  "UPDATE email_codes SET attempts = attempts + 1 WHERE id = $1"};
constexpr db::Statement kConsume{
    "code_consume", "DELETE FROM email_codes WHERE user_id = $1::uuid AND purpose = $2"};
constexpr db::Statement kPurge{
    "purge_codes", "DELETE FROM email_codes WHERE expires_at < now() - interval '1 day'"};

// No account has it: ids are random (v4) UUIDs.
constexpr std::string_view kNobody = "00000000-0000-0000-0000-000000000000";

std::string_view purpose_name(CodePurpose p) {
    return p == CodePurpose::verify_email ? "verify_email" : "password_reset";
}

std::string code_hash_hex(const Secret& key, const std::string& user_id, CodePurpose purpose,
                          std::string_view code) {
    std::string message;
    message.append(purpose_name(purpose)).append(":").append(user_id).append(":").append(code);
    return crypto::hex_encode(crypto::hmac_sha256(key.reveal(), message));
}

}  // namespace

Result<Secret> issue_code(db::Transaction& tx, const Secret& hmac_key, const std::string& user_id,
                          CodePurpose purpose, int ttl_seconds) {
    db::Connection& db = tx.connection();
    const std::string p(purpose_name(purpose));
    // NB: the user's row first.  Two concurrent requests would otherwise
    // both supersede the same live code and both insert a new one, and the
    // second insert would hit email_codes_live_idx: its 2xx already sent
    // (forgot answers first), its mail never written.  Serialised, the
    // later code supersedes the earlier, as the contract says.
    if (auto r = db.exec(kLockUser, {user_id}); !r) return Unexpected{r.error()};
    if (auto r = db.exec(kDropExpired, {user_id, p}); !r) return Unexpected{r.error()};
    if (auto r = db.exec(kSupersede, {user_id, p}); !r) return Unexpected{r.error()};
    Secret code(crypto::random_digits(6));
    auto r = db.exec(kInsert, {user_id, p, code_hash_hex(hmac_key, user_id, purpose, code.reveal()),
                               std::to_string(ttl_seconds)});
    if (!r) return Unexpected{r.error()};
    return code;
}

Result<CodeCheck> check_code(db::Transaction& tx, const Secret& hmac_key,
                             const std::string& user_id, CodePurpose purpose, std::string_view code,
                             int max_attempts) {
    db::Connection& db = tx.connection();
    const std::string p(purpose_name(purpose));
    // The user's row first, as issue_code takes it: one lock order (users,
    // then email_codes) for every transaction that touches codes.
    if (auto r = db.exec(kLockUser, {user_id}); !r) return Unexpected{r.error()};
    auto rows = db.exec(kLock, {user_id, p});
    if (!rows) return Unexpected{rows.error()};
    const std::string presented = code_hash_hex(hmac_key, user_id, purpose, code);

    // Rows come live first, then superseded, newest first.
    int live = -1;
    bool matches_superseded = false;
    for (int i = 0; i < rows->size(); ++i) {
        if (!rows->boolean(i, 2)) {
            live = i;
        } else if (crypto::equal_constant_time(rows->text(i, 1), presented)) {
            matches_superseded = true;
        }
    }
    if (live < 0) return matches_superseded ? CodeCheck::expired : CodeCheck::wrong;
    const bool expired = rows->boolean(live, 3);
    const bool burnt = rows->integer(live, 4) >= max_attempts;
    // NB: an expired or burnt code refuses even the right code, and its
    // tries are no longer counted.
    if (expired || burnt) return CodeCheck::expired;
    if (crypto::equal_constant_time(rows->text(live, 1), presented)) {
        if (auto r = db.exec(kConsume, {user_id, p}); !r) return Unexpected{r.error()};
        return CodeCheck::accepted;
    }
    if (matches_superseded) return CodeCheck::expired;
    if (auto r = db.exec(kCountTry, {std::string(rows->text(live, 0))}); !r) {
        return Unexpected{r.error()};
    }
    return CodeCheck::wrong;
}

Result<CodeCheck> check_code_of_nobody(db::Transaction& tx, const Secret& hmac_key,
                                       CodePurpose purpose, std::string_view code,
                                       int max_attempts) {
    return check_code(tx, hmac_key, std::string(kNobody), purpose, code, max_attempts);
}

Result<int64_t> purge_expired_codes(db::Connection& db) {
    auto r = db.exec(kPurge);
    if (!r) return Unexpected{r.error()};
    return r->affected();
}

}  // namespace authd::accounts
