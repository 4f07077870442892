// accounts/user_store.cpp
#include "accounts/user_store.h"

namespace authd::accounts {
namespace {

#define AUTHD_USER_COLUMNS                                                                       \
    "id::text, email, first_name, last_name, password_hash, email_verified, "                    \
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "                 \
    "to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "                 \
    "to_char(last_login_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), mfa_enabled, " \
    "to_char(disabled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "                \
    "password_reset_required"

constexpr db::Statement kFindByEmail{"user_find_by_email",
                                     "SELECT " AUTHD_USER_COLUMNS " FROM users WHERE email = $1"};
constexpr db::Statement kFindById{"user_find_by_id",
                                  "SELECT " AUTHD_USER_COLUMNS " FROM users WHERE id = $1::uuid"};
constexpr db::Statement kLockByEmail{
    "user_lock_by_email", "SELECT " AUTHD_USER_COLUMNS " FROM users WHERE email = $1 FOR UPDATE"};
constexpr db::Statement kLockById{
    "user_lock_by_id", "SELECT " AUTHD_USER_COLUMNS " FROM users WHERE id = $1::uuid FOR UPDATE"};
constexpr db::Statement kInsert{
    "user_insert",
    "INSERT INTO users (email, password_hash, first_name, last_name) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (email) DO NOTHING RETURNING " AUTHD_USER_COLUMNS};
constexpr db::Statement kReplaceUnverified{
    "user_replace_unverified",
    "UPDATE users SET password_hash = $2, first_name = $3, last_name = $4, created_at = now(),"
    " updated_at = now() WHERE email = $1 AND NOT email_verified RETURNING " AUTHD_USER_COLUMNS};
constexpr db::Statement kPurgeUnverified{
    "user_purge_unverified",
    "DELETE FROM users WHERE id IN (SELECT id FROM users WHERE NOT email_verified"
    " AND created_at < now() - make_interval(secs => $1::int) LIMIT 1000)"};
constexpr db::Statement kMarkVerified{
    "user_mark_verified",
    "UPDATE users SET email_verified = true, updated_at = now() WHERE id = $1::uuid"};
constexpr db::Statement kRecordLogin{"user_record_login",
                                     "UPDATE users SET last_login_at = now() WHERE id = $1::uuid"};
// A new password is a password set: no reset is required any more.
constexpr db::Statement kSetPassword{
    "user_set_password",
    "UPDATE users SET password_hash = $2, password_reset_required = false WHERE id = $1::uuid"};
constexpr db::Statement kRequireReset{
    "user_require_reset",
    "UPDATE users SET password_hash = $2, password_reset_required = true WHERE id = $1::uuid"};
// Both unique keys (id, email) make a conflict: an import never replaces.
constexpr db::Statement kInsertImported{
    "user_insert_imported",
    "INSERT INTO users (id, email, password_hash, first_name, last_name, email_verified,"
    " password_reset_required, created_at, updated_at)"
    " VALUES ($1::uuid, $2, $3, $4, $5, $6::boolean, true, COALESCE($7::timestamptz, now()),"
    " now()) ON CONFLICT DO NOTHING RETURNING " AUTHD_USER_COLUMNS};
constexpr db::Statement kReplacePassword{
    "user_replace_password",
    "UPDATE users SET password_hash = $3, password_reset_required = false"
    " WHERE id = $1::uuid AND password_hash = $2"};
constexpr db::Statement kUpdateNames{
    "user_update_names",
    "UPDATE users SET first_name = COALESCE($2, first_name), last_name = COALESCE($3, last_name),"
    " updated_at = CASE WHEN ($2 IS NOT NULL AND $2 IS DISTINCT FROM first_name)"
    "  OR ($3 IS NOT NULL AND $3 IS DISTINCT FROM last_name) THEN now() ELSE updated_at END"
    " WHERE id = $1::uuid RETURNING " AUTHD_USER_COLUMNS};
constexpr db::Statement kDisable{
    "user_disable",
    "UPDATE users SET disabled_at = now() WHERE id = $1::uuid AND disabled_at IS NULL"};
constexpr db::Statement kEnable{
    "user_enable",
    "UPDATE users SET disabled_at = NULL WHERE id = $1::uuid AND disabled_at IS NOT NULL"};
constexpr db::Statement kDelete{"user_delete", "DELETE FROM users WHERE id = $1::uuid"};
constexpr db::Statement kList{"user_list",
                              "SELECT " AUTHD_USER_COLUMNS
                              " FROM users WHERE $1 = '' OR strpos(email, lower($1)) > 0"
                              " OR strpos(lower(first_name || ' ' || last_name), lower($1)) > 0"
                              " ORDER BY email LIMIT $2::int"};

// Keyset pagination by id; the filter is one column compared one way
// ($3: '' none, 'email=', 'email^=', 'sub=', 'enabled', 'disabled').
constexpr db::Statement kPage{"user_page",
                              "SELECT " AUTHD_USER_COLUMNS
                              " FROM users WHERE id::text > $1"
                              " AND CASE $3 WHEN '' THEN true"
                              "  WHEN 'email=' THEN email = lower($4)"
                              "  WHEN 'email^=' THEN left(email, length($4)) = lower($4)"
                              "  WHEN 'sub=' THEN id::text = lower($4)"
                              "  WHEN 'enabled' THEN disabled_at IS NULL"
                              "  WHEN 'disabled' THEN disabled_at IS NOT NULL"
                              "  ELSE false END"
                              " ORDER BY id::text LIMIT $2::int"};

#undef AUTHD_USER_COLUMNS

User user_from_row(const db::Rows& rows, int r) {
    User u;
    u.id = rows.text(r, 0);
    u.email = rows.text(r, 1);
    u.first_name = rows.text(r, 2);
    u.last_name = rows.text(r, 3);
    u.password_hash = rows.text(r, 4);
    u.email_verified = rows.boolean(r, 5);
    u.created_at = rows.text(r, 6);
    u.updated_at = rows.text(r, 7);
    if (!rows.is_null(r, 8)) u.last_login_at = std::string(rows.text(r, 8));
    u.mfa_enabled = rows.boolean(r, 9);
    if (!rows.is_null(r, 10)) u.disabled_at = std::string(rows.text(r, 10));
    u.password_reset_required = rows.boolean(r, 11);
    return u;
}

Result<std::optional<User>> find_one(db::Connection& db, const db::Statement& st,
                                     const std::string& key) {
    auto rows = db.exec(st, {key});
    if (!rows) return Unexpected{rows.error()};
    if (rows->empty()) return std::optional<User>();
    return std::optional<User>(user_from_row(*rows, 0));
}

}  // namespace

Result<std::optional<User>> find_user_by_email(db::Connection& db, const std::string& email) {
    return find_one(db, kFindByEmail, email);
}

Result<std::optional<User>> find_user_by_id(db::Connection& db, const std::string& id) {
    return find_one(db, kFindById, id);
}

Result<std::optional<User>> lock_user_by_email(db::Transaction& tx, const std::string& email) {
    return find_one(tx.connection(), kLockByEmail, email);
}

Result<std::optional<User>> lock_user(db::Transaction& tx, const std::string& id) {
    return find_one(tx.connection(), kLockById, id);
}

Result<User> create_user(db::Connection& db, const NewUser& user) {
    auto rows = db.exec(kInsert, {user.email, user.password_hash, user.first_name, user.last_name});
    if (!rows) return Unexpected{rows.error()};
    if (rows->empty()) return fail(ErrorCode::conflict, "email_exists");
    return user_from_row(*rows, 0);
}

Result<std::optional<User>> replace_unverified_registration(db::Transaction& tx,
                                                            const NewUser& user) {
    auto rows = tx.connection().exec(
        kReplaceUnverified, {user.email, user.password_hash, user.first_name, user.last_name});
    if (!rows) return Unexpected{rows.error()};
    if (rows->empty()) return std::optional<User>();
    return std::optional<User>(user_from_row(*rows, 0));
}

Result<void> purge_unverified(db::Connection& db, int ttl_seconds) {
    return db.run(kPurgeUnverified, {std::to_string(ttl_seconds)});
}

Result<void> mark_email_verified(db::Connection& db, const std::string& user_id) {
    return db.run(kMarkVerified, {user_id});
}

Result<void> record_login(db::Connection& db, const std::string& user_id) {
    return db.run(kRecordLogin, {user_id});
}

Result<void> set_password_hash(db::Connection& db, const std::string& user_id,
                               const std::string& hash) {
    return db.run(kSetPassword, {user_id, hash});
}

Result<void> require_password_reset(db::Connection& db, const std::string& user_id) {
    return db.run(kRequireReset, {user_id, std::string(kNoPassword)});
}

Result<std::optional<User>> import_user(db::Connection& db, const ImportedUser& user) {
    auto rows = db.exec(kInsertImported,
                        {user.id, user.email, std::string(kNoPassword), user.first_name,
                         user.last_name, user.email_verified ? "true" : "false",
                         user.created_at.empty() ? db::Param() : db::Param(user.created_at)});
    if (!rows) return Unexpected{rows.error()};
    if (rows->empty()) return std::optional<User>();
    return std::optional<User>(user_from_row(*rows, 0));
}

Result<bool> replace_password_hash(db::Connection& db, const std::string& user_id,
                                   const std::string& expected, const std::string& hash) {
    auto rows = db.exec(kReplacePassword, {user_id, expected, hash});
    if (!rows) return Unexpected{rows.error()};
    return rows->affected() == 1;
}

Result<User> update_names(db::Connection& db, const std::string& user_id,
                          const std::optional<std::string>& first_name,
                          const std::optional<std::string>& last_name) {
    auto rows = db.exec(kUpdateNames, {user_id, first_name, last_name});
    if (!rows) return Unexpected{rows.error()};
    if (rows->empty()) return fail(ErrorCode::not_found, "user_gone");
    return user_from_row(*rows, 0);
}

Result<bool> set_disabled(db::Transaction& tx, const std::string& user_id, bool disabled) {
    auto r = tx.connection().exec(disabled ? kDisable : kEnable, {user_id});
    if (!r) return Unexpected{r.error()};
    return r->affected() > 0;
}

Result<void> delete_user(db::Connection& db, const std::string& user_id) {
    return db.run(kDelete, {user_id});
}

Result<std::vector<User>> list_users(db::Connection& db, const std::string& query, int limit) {
    auto rows = db.exec(kList, {query, std::to_string(limit)});
    if (!rows) return Unexpected{rows.error()};
    std::vector<User> users;
    users.reserve(static_cast<size_t>(rows->size()));
    for (int r = 0; r < rows->size(); ++r) users.push_back(user_from_row(*rows, r));
    return users;
}

Result<std::vector<User>> page_users(db::Connection& db, const std::string& after_id, int limit,
                                     const UserFilter& filter) {
    auto rows = db.exec(kPage, {after_id, std::to_string(limit), filter.kind, filter.value});
    if (!rows) return Unexpected{rows.error()};
    std::vector<User> users;
    users.reserve(static_cast<size_t>(rows->size()));
    for (int r = 0; r < rows->size(); ++r) users.push_back(user_from_row(*rows, r));
    return users;
}

}  // namespace authd::accounts
