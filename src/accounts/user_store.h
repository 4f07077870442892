// accounts/user_store.h
//
// The users table.  Emails are stored normalised (forms::normalize_email),
// so lookups are exact.  Timestamps come back already formatted as the
// contract's RFC 3339 UTC text.
#pragma once

#include <optional>
#include <string>

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
};

Result<std::optional<User>> find_user_by_email(db::Connection& db, const std::string& email);
Result<std::optional<User>> find_user_by_id(db::Connection& db, const std::string& id);

struct NewUser {
    std::string email;
    std::string password_hash;
    std::string first_name;
    std::string last_name;
};

// ErrorCode::conflict when the email is taken.
Result<User> create_user(db::Connection& db, const NewUser& user);

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
Result<void> delete_user(db::Connection& db, const std::string& user_id);

}  // namespace authd::accounts
