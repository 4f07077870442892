// mfa/mfa_store.h
//
// A user's TOTP secret and backup codes in Postgres.
//
//  - The secret is stored sealed with AES-256-GCM under the current AEAD
//    key, its key id beside it and "authd-mfa:<user id>" as associated
//    data, so a sealed secret copied to another user's row does not open.
//    A row that fails to open is an internal error (and an alert in the
//    log), never "2FA off".
//  - A TOTP time step is accepted at most once per user: the last accepted
//    step is advanced by a conditional UPDATE, so of two concurrent requests
//    with the same code exactly one wins, on any number of workers and hosts.
//  - Backup codes are keyed hashes; using one is a conditional UPDATE too.
//  - Beside an active secret: the session that enrolled it at verify-setup
//    (mfa/session_proof.h).
//
// Functions that change state take the caller's transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/secret.h"
#include "db/connection.h"
#include "keys/keyring.h"

namespace authd::mfa {

struct StoredSecret {
    Secret secret;  // raw bytes
    bool pending = false;
    std::string enrolling_session;  // the session that activated it; empty if unknown
};

// nullopt when the user has neither a pending nor an active secret.
Result<std::optional<StoredSecret>> load_secret(db::Connection& db, const keys::Keyring& keys,
                                                const std::string& user_id);

// Replaces any pending (never an active) secret with a new pending one.
Result<void> save_pending_secret(db::Transaction& tx, const keys::Keyring& keys,
                                 const std::string& user_id, const Secret& secret);

// Accepts `step` if it is later than the last accepted one.  With
// `activate`, only a pending secret qualifies and it becomes active (and
// the user's mfa_enabled true); otherwise only an active one.
Result<bool> accept_step(db::Transaction& tx, const std::string& user_id, int64_t step,
                         bool activate);

// After accept_step activated the secret in this transaction: `session_id`
// is the session that enrolled it (mfa/session_proof.h).
Result<void> record_enrolling_session(db::Transaction& tx, const std::string& user_id,
                                      const std::string& session_id);

// Replaces the user's backup codes by these (already normalised) codes.
Result<void> replace_backup_codes(db::Transaction& tx, const Secret& hmac_key,
                                  const std::string& user_id,
                                  const std::vector<std::string>& codes);
// Marks a normalised backup code used; false if unknown or already used.
Result<bool> use_backup_code(db::Transaction& tx, const Secret& hmac_key,
                             const std::string& user_id, std::string_view code);

// Removes secret and codes and turns mfa_enabled off.
Result<void> disable_mfa(db::Transaction& tx, const std::string& user_id);

}  // namespace authd::mfa
