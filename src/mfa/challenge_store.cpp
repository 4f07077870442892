// mfa/challenge_store.cpp
#include "mfa/challenge_store.h"

#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"

namespace authd::mfa {
namespace {

constexpr db::Statement kCreate{
    "mfa_challenge_create",
    "INSERT INTO mfa_challenges (token_hash, user_id, expires_at, remember_me, set_cookie)"
    " VALUES (decode($1, 'hex'), $2::uuid, now() + make_interval(secs => $3::int),"
    " $4::boolean, $5::boolean)"};
constexpr db::Statement kPurge{
    "mfa_challenge_purge",
    "DELETE FROM mfa_challenges WHERE expires_at < now() - interval '1 day'"};
constexpr db::Statement kPurgeExpired{
    "purge_challenges", "DELETE FROM mfa_challenges WHERE expires_at < now() - interval '1 hour'"};
constexpr db::Statement kLock{
    "mfa_challenge_lock",
    "SELECT user_id::text, remember_me, set_cookie FROM mfa_challenges"
    " WHERE token_hash = decode($1, 'hex') AND used_at IS NULL AND expires_at > now()"
    " AND attempts < $2::int FOR UPDATE"};
constexpr db::Statement kOwner{
    "mfa_challenge_owner",
    "SELECT user_id::text FROM mfa_challenges WHERE token_hash = decode($1, 'hex')"};
constexpr db::Statement kWrong{
    "mfa_challenge_wrong",
    "UPDATE mfa_challenges SET attempts = attempts + 1 WHERE token_hash = decode($1, 'hex')"};
constexpr db::Statement kEndAllOfUser{
    "mfa_challenges_end_all_of_user",
    "UPDATE mfa_challenges SET used_at = now() WHERE user_id = $1 AND used_at IS NULL"};

constexpr db::Statement kUsed{
    "mfa_challenge_used",
    "UPDATE mfa_challenges SET used_at = now() WHERE token_hash = decode($1, 'hex')"};

std::string hash_hex(std::string_view token) { return crypto::hex_encode(crypto::sha256(token)); }

}  // namespace

Result<Secret> create_challenge(db::Transaction& tx, const NewChallenge& c) {
    db::Connection& db = tx.connection();
    if (auto r = db.exec(kPurge); !r) return Unexpected{r.error()};
    Secret token(crypto::base64url_encode(crypto::random_bytes(32)));
    auto r = db.exec(kCreate, {hash_hex(token.reveal()), c.user_id, std::to_string(c.ttl_seconds),
                               c.remember_me ? "true" : "false", c.set_cookie ? "true" : "false"});
    if (!r) return Unexpected{r.error()};
    return token;
}

Result<std::optional<std::string>> find_challenge_owner(db::Connection& db,
                                                        std::string_view token) {
    auto rows = db.exec(kOwner, {hash_hex(token)});
    if (!rows) return Unexpected{rows.error()};
    if (rows->empty()) return std::optional<std::string>();
    return std::optional<std::string>(std::string(rows->text(0, 0)));
}

Result<std::optional<Challenge>> lock_live_challenge(db::Transaction& tx, std::string_view token,
                                                     int max_attempts) {
    db::Connection& db = tx.connection();
    const std::string hash = hash_hex(token);
    auto rows = db.exec(kLock, {hash, std::to_string(max_attempts)});
    if (!rows) return Unexpected{rows.error()};
    if (rows->empty()) return std::optional<Challenge>();
    return std::optional<Challenge>(
        Challenge{hash, std::string(rows->text(0, 0)), rows->boolean(0, 1), rows->boolean(0, 2)});
}

Result<void> count_wrong_code(db::Transaction& tx, const Challenge& challenge) {
    db::Connection& db = tx.connection();
    if (auto r = db.exec(kWrong, {challenge.token_hash_hex}); !r) return Unexpected{r.error()};
    return {};
}

Result<void> mark_used(db::Transaction& tx, const Challenge& challenge) {
    db::Connection& db = tx.connection();
    if (auto r = db.exec(kUsed, {challenge.token_hash_hex}); !r) return Unexpected{r.error()};
    return {};
}

Result<void> end_challenges_of_user(db::Transaction& tx, std::string_view user_id) {
    if (auto r = tx.connection().exec(kEndAllOfUser, {std::string(user_id)}); !r)
        return Unexpected{r.error()};
    return {};
}

Result<int64_t> purge_expired_challenges(db::Connection& db) {
    auto r = db.exec(kPurgeExpired);
    if (!r) return Unexpected{r.error()};
    return r->affected();
}

}  // namespace authd::mfa
