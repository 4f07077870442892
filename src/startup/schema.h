// startup/schema.h
//
// "Is the database's schema this binary's?": every migration compiled into
// authd must be recorded in schema_migrations before it serves, or its
// requests that touch a missing table or column would fail one by one (a
// host upgraded before `authctl migrate` ran).  Checked once at startup and
// by --check-config, not at reload: a reload does not change the binary.
//
// A database that cannot be reached is not a refusal: authd starts without
// Postgres (its workers answer 503 and reconnect), and the check is only
// logged as skipped.  A schema NEWER than the binary's is fine: migrations
// only add (README, "Upgrading"), so the previous release runs on it.
#pragma once

#include <string>
#include <vector>

#include "core/config.h"
#include "core/result.h"

namespace authd::startup {

// The migrations of this binary that the database lacks, in order (empty:
// up to date).  Fails with `unavailable` when Postgres cannot be reached.
Result<std::vector<std::string>> missing_migrations(const Config& config);

// The one line the operator reads when the list is not empty.
std::string describe_missing(const std::vector<std::string>& missing);

}  // namespace authd::startup
