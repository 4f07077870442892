// accounts/groups.cpp
//
// One statement per function, each safe inside or outside the caller's
// transaction.  Adding and removing are idempotent and say whether they
// changed anything (ON CONFLICT DO NOTHING, the rows a DELETE touched), so
// the operator's tool can audit only real changes.  The names come back
// sorted bytewise (COLLATE "C"), whatever the database's collation, so a
// token's claim is the same on every host.
#include "accounts/groups.h"

namespace authd::accounts {
namespace {

constexpr size_t kMaxGroupName = 64;

constexpr db::Statement kList{"groups_of",
                              "SELECT name FROM user_groups WHERE user_id = $1::uuid"
                              " ORDER BY name COLLATE \"C\""};
constexpr db::Statement kAdd{"group_add",
                             "INSERT INTO user_groups (user_id, name) VALUES ($1::uuid, $2)"
                             " ON CONFLICT (user_id, name) DO NOTHING"};
constexpr db::Statement kRemove{"group_remove",
                                "DELETE FROM user_groups WHERE user_id = $1::uuid AND name = $2"};

bool is_alnum(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

Unexpected<Error> bad_name() { return fail(ErrorCode::invalid_input, "invalid group name"); }

}  // namespace

bool valid_group_name(std::string_view name) {
    if (name.empty() || name.size() > kMaxGroupName || !is_alnum(name.front())) return false;
    for (char c : name) {
        if (!is_alnum(c) && c != '_' && c != '.' && c != '-') return false;
    }
    return true;
}

Result<std::vector<std::string>> groups_of(db::Connection& db, const std::string& user_id) {
    auto rows = db.exec(kList, {user_id});
    if (!rows) return Unexpected{rows.error()};
    std::vector<std::string> out;
    out.reserve(static_cast<size_t>(rows->size()));
    for (int i = 0; i < rows->size(); ++i) out.emplace_back(rows->text(i, 0));
    return out;
}

Result<bool> add_to_group(db::Connection& db, const std::string& user_id, std::string_view name) {
    if (!valid_group_name(name)) return bad_name();
    auto r = db.exec(kAdd, {user_id, std::string(name)});
    if (!r) return Unexpected{r.error()};
    return r->affected() == 1;
}

Result<bool> remove_from_group(db::Connection& db, const std::string& user_id,
                               std::string_view name) {
    if (!valid_group_name(name)) return bad_name();
    auto r = db.exec(kRemove, {user_id, std::string(name)});
    if (!r) return Unexpected{r.error()};
    return r->affected() == 1;
}

}  // namespace authd::accounts
