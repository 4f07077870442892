// cognito/signature_store.h
//
// The replay guard of the admin operations: each SigV4 signature is
// accepted once.  Postgres keeps the signatures seen within the date
// window (sql/0013), so a replay is refused whichever host it reaches;
// the window bounds the table (older rows are deleted on the way).
#pragma once

#include <string_view>

#include "db/connection.h"

namespace authd::cognito {

// True the first time `signature` is presented; false for a replay.
Result<bool> first_use_of_signature(db::Connection& db, std::string_view signature,
                                    int window_seconds);

}  // namespace authd::cognito
