// audit/audit_log.h
//
// Reading the audit trail back (authctl audit tail): the newest rows that
// match a filter, and the rows written after a given one, for following.
// audit.h writes the rows; this file only reads them.  Rows are read by
// id: a transaction that took an id and commits after a later one's row
// was read is seen by a follower only if it is still newer than the last
// row shown, so a follower is an operator's view, not an export.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"

namespace authd::audit {

struct Filter {
    std::optional<std::string> user_id;  // that account's rows only
    std::string event;                   // "" for every event
    int64_t since_seconds = 0;           // rows younger than this; 0 for all
};

struct Entry {
    int64_t id = 0;
    std::string at;  // RFC 3339 UTC
    std::string event;
    std::optional<std::string> user_id;
    std::optional<std::string> email;  // the account's, while it exists
    std::string ip;                    // "" when none
    std::string user_agent;
    std::string request_id;
    std::string detail;  // the JSON object text, "" when none
};

// The id of the newest row (0 when there is none): where following starts.
Result<int64_t> newest_id(db::Connection& db);

// The newest `limit` rows matching `filter` whose id is at most `up_to`,
// oldest first (as tail prints them).
Result<std::vector<Entry>> newest_entries(db::Connection& db, const Filter& filter, int64_t up_to,
                                          int limit);

// The rows matching `filter` whose id is above `after`, oldest first, at
// most `limit` of them.
Result<std::vector<Entry>> entries_after(db::Connection& db, const Filter& filter, int64_t after,
                                         int limit);

}  // namespace authd::audit
