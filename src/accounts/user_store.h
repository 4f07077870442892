// accounts/user_store.h
//
// The users table.  Emails are stored normalised (forms::normalize_email),
// so lookups are exact.  Timestamps come back already formatted as the
// contract's RFC 3339 UTC text.
//
// Lock order.  Every transaction that touches more than one row of an
// account takes the account's users row first (lock_user, FOR UPDATE), and
// only then its sessions, refresh tokens, lockout row, email codes and MFA
// rows.  The users row is also taken implicitly, and late, by many
// statements: an INSERT into a table with a foreign key to users (sessions,
// email_codes, mfa_*) takes KEY SHARE on it, an UPDATE of users takes NO KEY
// UPDATE.  A transaction that held, say, the lockout row and then needed
// the users row for its new session would wait for one that held the users
// row and needed the lockout row (a password reset racing a login), and
// Postgres would end that deadlock by failing one of them.  Holding the users
// row first, every transaction on one account waits at its first statement,
// holding nothing, and the rest is serialised.
//
// Where the users row cannot come first (a refresh token names only its
// session), a transaction locks the session before the token and nothing
// else of the account.  Fresh rows (a new session, code, challenge, outbox
// or audit row) lock nothing another transaction can be waiting for.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/connection.h"

namespace authd::accounts {

struct User {
    std::string id;
    std::string email;
    std::string first_name;
    std::string last_name;
    std::string password_hash;
    bool email_verified = false;
    bool mfa_enabled = false;
    std::string created_at;
    std::string updated_at;
    std::optional<std::string> last_login_at;
    // Set while an operator has the account disabled (sql/0012): it signs in
    // nowhere until enabled again.
    std::optional<std::string> disabled_at;

    // The password must be set again (a reset) before it signs in
    // (sql/0014): imported from Cognito, or reset by an administrator.
    bool password_reset_required = false;

    bool disabled() const { return disabled_at.has_value(); }
};

// The password_hash of an account whose password must be reset: not a PHC
// string, so no password verifies against it.
inline constexpr std::string_view kNoPassword = "!password-reset-required";

Result<std::optional<User>> find_user_by_email(db::Connection& db, const std::string& email);
Result<std::optional<User>> find_user_by_id(db::Connection& db, const std::string& id);

// The first statement of a transaction on an account (see "Lock order"):
// locks the users row until the transaction ends and returns it as it is
// once locked (a change committed while this waited is seen).  nullopt for
// an unknown email or id, after the same query.
Result<std::optional<User>> lock_user_by_email(db::Transaction& tx, const std::string& email);
Result<std::optional<User>> lock_user(db::Transaction& tx, const std::string& id);

struct NewUser {
    std::string email;
    std::string password_hash;
    std::string first_name;
    std::string last_name;
};

// ErrorCode::conflict when the email is taken.
Result<User> create_user(db::Connection& db, const NewUser& user);

// A registration of an email whose account is still unverified takes it
// over: `user`'s password hash and names replace the pending ones, and the
// account counts as registered now (created_at, for the unverified
// accounts' purge).  nullopt when the account is verified (or gone) by
// the time its row is locked.
Result<std::optional<User>> replace_unverified_registration(db::Transaction& tx,
                                                            const NewUser& user);

// Removes unverified accounts older than `ttl_seconds` (a bounded batch).
Result<void> purge_unverified(db::Connection& db, int ttl_seconds);

Result<void> mark_email_verified(db::Connection& db, const std::string& user_id);
Result<void> record_login(db::Connection& db, const std::string& user_id);
Result<void> set_password_hash(db::Connection& db, const std::string& user_id,
                               const std::string& hash);
// Sets the hash only if it still is `expected` (the one a password was
// just checked against); false when another change came first.
Result<bool> replace_password_hash(db::Connection& db, const std::string& user_id,
                                   const std::string& expected, const std::string& hash);
// nullopt fields are left as they are.  Returns the updated user.
Result<User> update_names(db::Connection& db, const std::string& user_id,
                          const std::optional<std::string>& first_name,
                          const std::optional<std::string>& last_name);
// Disables (sets disabled_at) or enables the account; false when it already
// was so.  Only login/account_state.h calls it: a disable also ends the
// account's sessions and challenges in the same transaction.
Result<bool> set_disabled(db::Transaction& tx, const std::string& user_id, bool disabled);
Result<void> delete_user(db::Connection& db, const std::string& user_id);

// For `authctl user list`: at most `limit` users ordered by email whose
// email or name contains `query` (case-insensitive; empty: every user).
Result<std::vector<User>> list_users(db::Connection& db, const std::string& query, int limit);

// The password replaced by kNoPassword and a reset required (the account's
// row locked by the caller's transaction); setting a password
// (set_password_hash, replace_password_hash) clears it.
Result<void> require_password_reset(db::Connection& db, const std::string& user_id);

// An account moved from elsewhere (authctl import cognito), keeping its id;
// its password must be reset.  nullopt when the id or the email is taken
// (nothing changed: an import run again skips it).
struct ImportedUser {
    std::string id;  // a UUID
    std::string email;
    std::string first_name;
    std::string last_name;
    bool email_verified = false;
    std::string created_at;  // RFC 3339, or empty for now
};
Result<std::optional<User>> import_user(db::Connection& db, const ImportedUser& user);

// For the Cognito door's ListUsers: at most `limit` users ordered by id
// after `after_id` (empty: from the first), matching `filter`: kind ""
// (every user), "email=" or "email^=" (equal to, or starting with, the
// lower-cased value), "sub=" (the id), "enabled" or "disabled".
struct UserFilter {
    std::string kind;
    std::string value;
};
Result<std::vector<User>> page_users(db::Connection& db, const std::string& after_id, int limit,
                                     const UserFilter& filter);

}  // namespace authd::accounts
