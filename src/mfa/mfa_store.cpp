// mfa/mfa_store.cpp
#include "mfa/mfa_store.h"

#include "crypto/aead.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"

namespace authd::mfa {
namespace {

constexpr db::Statement kLoad{
    "mfa_load",
    "SELECT encode(secret_sealed, 'hex'), key_id, pending,"
    " COALESCE(enrolling_session::text, '') FROM mfa_secrets WHERE user_id = $1::uuid"};
constexpr db::Statement kSavePending{
    "mfa_save_pending",
    "INSERT INTO mfa_secrets (user_id, secret_sealed, key_id, pending)"
    " VALUES ($1::uuid, decode($2, 'hex'), $3, true)"
    " ON CONFLICT (user_id) DO UPDATE SET secret_sealed = EXCLUDED.secret_sealed,"
    " key_id = EXCLUDED.key_id, created_at = now(), last_step = NULL"
    " WHERE mfa_secrets.pending"};
constexpr db::Statement kAcceptStep{"mfa_accept_step",
                                    "UPDATE mfa_secrets SET last_step = $2::bigint, pending = false"
                                    " WHERE user_id = $1::uuid AND pending = $3::boolean"
                                    " AND (last_step IS NULL OR last_step < $2::bigint)"};
constexpr db::Statement kEnable{"mfa_enable",
                                "UPDATE users SET mfa_enabled = true, updated_at = now()"
                                " WHERE id = $1::uuid"};
constexpr db::Statement kRecordEnrolling{
    "mfa_record_enrolling",
    "UPDATE mfa_secrets SET enrolling_session = $2::uuid WHERE user_id = $1::uuid AND NOT pending"};
constexpr db::Statement kDeleteCodes{"mfa_codes_delete",
                                     "DELETE FROM mfa_backup_codes WHERE user_id = $1::uuid"};
constexpr db::Statement kInsertCode{
    "mfa_code_insert",
    "INSERT INTO mfa_backup_codes (user_id, code_hash) VALUES ($1::uuid, decode($2, 'hex'))"};
constexpr db::Statement kUseCode{
    "mfa_code_use",
    "UPDATE mfa_backup_codes SET used_at = now() WHERE user_id = $1::uuid"
    " AND code_hash = decode($2, 'hex') AND used_at IS NULL"};
constexpr db::Statement kDeleteSecret{"mfa_secret_delete",
                                      "DELETE FROM mfa_secrets WHERE user_id = $1::uuid"};
constexpr db::Statement kDisable{"mfa_disable",
                                 "UPDATE users SET mfa_enabled = false, updated_at = now()"
                                 " WHERE id = $1::uuid"};

std::string associated_data(const std::string& user_id) { return "authd-mfa:" + user_id; }

std::string code_hash_hex(const Secret& key, const std::string& user_id, std::string_view code) {
    std::string message = "backup:" + user_id + ":";
    message.append(code);
    return crypto::hex_encode(crypto::hmac_sha256(key.reveal(), message));
}

}  // namespace

Result<std::optional<StoredSecret>> load_secret(db::Connection& db, const keys::Keyring& keys,
                                                const std::string& user_id) {
    auto rows = db.exec(kLoad, {user_id});
    if (!rows) return Unexpected{rows.error()};
    if (rows->empty()) return std::optional<StoredSecret>();
    auto sealed = crypto::hex_decode(rows->text(0, 0));
    const keys::AeadKey* key = keys.find_aead(rows->text(0, 1));
    if (!sealed || !key) {
        return fail(ErrorCode::internal, "mfa secret of user " + user_id +
                                             " cannot be opened: unknown key or bad encoding");
    }
    auto opened = crypto::aead_open(key->key, *sealed, associated_data(user_id));
    if (!opened) {
        return fail(ErrorCode::internal, "mfa secret of user " + user_id + " fails to decrypt");
    }
    return std::optional<StoredSecret>(
        StoredSecret{std::move(*opened), rows->boolean(0, 2), std::string(rows->text(0, 3))});
}

Result<void> save_pending_secret(db::Transaction& tx, const keys::Keyring& keys,
                                 const std::string& user_id, const Secret& secret) {
    db::Connection& db = tx.connection();
    const keys::AeadKey& key = keys.aead_current();
    auto sealed = crypto::aead_seal(key.key, secret.reveal(), associated_data(user_id));
    if (!sealed) return Unexpected{sealed.error()};
    return db.run(kSavePending, {user_id, crypto::hex_encode(*sealed), key.id});
}

Result<bool> accept_step(db::Transaction& tx, const std::string& user_id, int64_t step,
                         bool activate) {
    db::Connection& db = tx.connection();
    auto r = db.exec(kAcceptStep, {user_id, std::to_string(step), activate ? "true" : "false"});
    if (!r) return Unexpected{r.error()};
    if (r->affected() != 1) return false;
    if (activate) {
        if (auto e = db.run(kEnable, {user_id}); !e) return Unexpected{e.error()};
    }
    return true;
}

Result<void> record_enrolling_session(db::Transaction& tx, const std::string& user_id,
                                      const std::string& session_id) {
    db::Connection& db = tx.connection();
    auto r = db.exec(kRecordEnrolling, {user_id, session_id});
    if (!r) return Unexpected{r.error()};
    if (r->affected() != 1) {
        return fail(ErrorCode::internal, "no active mfa secret of user " + user_id + " to record");
    }
    return {};
}

Result<void> replace_backup_codes(db::Transaction& tx, const Secret& hmac_key,
                                  const std::string& user_id,
                                  const std::vector<std::string>& codes) {
    db::Connection& db = tx.connection();
    if (auto r = db.run(kDeleteCodes, {user_id}); !r) return r;
    for (const auto& code : codes) {
        if (auto r = db.run(kInsertCode, {user_id, code_hash_hex(hmac_key, user_id, code)}); !r) {
            return r;
        }
    }
    return {};
}

Result<bool> use_backup_code(db::Transaction& tx, const Secret& hmac_key,
                             const std::string& user_id, std::string_view code) {
    db::Connection& db = tx.connection();
    auto r = db.exec(kUseCode, {user_id, code_hash_hex(hmac_key, user_id, code)});
    if (!r) return Unexpected{r.error()};
    return r->affected() == 1;
}

Result<void> disable_mfa(db::Transaction& tx, const std::string& user_id) {
    db::Connection& db = tx.connection();
    if (auto r = db.run(kDeleteSecret, {user_id}); !r) return r;
    if (auto r = db.run(kDeleteCodes, {user_id}); !r) return r;
    return db.run(kDisable, {user_id});
}

}  // namespace authd::mfa
