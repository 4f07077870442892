// tests/pg/pg_database.h
//
// The pg tier's database: a fresh `authd_pg_tests` database, migrated, in
// the throwaway Postgres cluster that `scripts/dev.sh test` starts (found
// through $AUTHD_VAR/stack.env).  Its own database, so the running stack's
// mailer never claims these tests' mail and their rows never meet the
// end-to-end tests'.  Without a stack the tests are skipped, saying why.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "core/config.h"
#include "db/connection.h"

namespace authd::pgtest {

// Connection settings for the test database; empty url when there is no
// stack to use.
Config::Database database();

// Creates (anew) and migrates the database once per process.  Call from
// SetUpTestSuite; skips the suite when there is no stack.
void prepare_database();

// A verified user with a unique email; returns its id.
std::string new_user(db::Connection& db);

}  // namespace authd::pgtest
