// accounts/groups.h
//
// The groups an operator puts users into (table user_groups).  A user's
// groups travel in the access token's `groups` claim and the validator can
// require one of them; so a name is restricted to what is safe in a JSON
// claim, an HTTP header and nginx's comma-separated AUTHD_REQUIRE_GROUP:
// 1-64 characters of A-Z a-z 0-9 _ . -, the first a letter or digit
// (the table's CHECK says the same).  Names are case-sensitive.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "db/connection.h"

namespace authd::accounts {

// True when `name` is a valid group name (see above).  Pure.
bool valid_group_name(std::string_view name);

// The user's group names in byte order (empty when none; an unknown user
// has none).
Result<std::vector<std::string>> groups_of(db::Connection& db, const std::string& user_id);

// Puts the user into the group: true when added, false when already in it.
// ErrorCode::invalid_input for an invalid name (nothing is run).
Result<bool> add_to_group(db::Connection& db, const std::string& user_id, std::string_view name);

// Takes the user out of the group: true when removed, false when not in it.
// ErrorCode::invalid_input for an invalid name (nothing is run).
Result<bool> remove_from_group(db::Connection& db, const std::string& user_id,
                               std::string_view name);

}  // namespace authd::accounts
