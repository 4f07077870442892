// db/migrations.h
//
// Schema migrations: the numbered files of sql/, compiled into the binary
// in order.  apply_migrations() runs each one not yet recorded in
// schema_migrations inside its own transaction, under an advisory lock so
// two hosts migrating at once take turns.  Applying twice is a no-op.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "db/connection.h"

namespace authd::db {

struct Migration {
    std::string_view version;  // file name without .sql, e.g. "0001_audit"
    std::string_view sql;
};

std::span<const Migration> migrations();

// Returns the versions it applied (empty when already up to date).
Result<std::vector<std::string>> apply_migrations(Connection& conn);

// The versions compiled into this binary that the database has not
// recorded, in order (every one of them when schema_migrations does not
// exist yet).  Versions the database has and this binary does not (a newer
// release migrated first) are not an error: migrations only add.
Result<std::vector<std::string>> pending_migrations(Connection& conn);

}  // namespace authd::db
