// startup/schema.cpp
#include "startup/schema.h"

#include "db/connection.h"
#include "db/migrations.h"

namespace authd::startup {

Result<std::vector<std::string>> missing_migrations(const Config& config) {
    db::Connection conn(config.database);
    if (auto up = conn.ensure_connected(); !up) return Unexpected{up.error()};
    return db::pending_migrations(conn);
}

std::string describe_missing(const std::vector<std::string>& missing) {
    std::string names;
    for (const std::string& m : missing) names += (names.empty() ? "" : ", ") + m;
    return "the database schema lacks " + std::to_string(missing.size()) +
           (missing.size() == 1 ? " migration" : " migrations") + " of this authd (" + names +
           "): run `authctl migrate` first";
}

}  // namespace authd::startup
