// db/migrate.cpp
#include <functional>
#include <set>

#include "db/migrations.h"

namespace authd::db {
namespace {

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version text PRIMARY KEY,"
    " applied_at timestamptz NOT NULL DEFAULT now())";
// An arbitrary constant shared by every authctl: "authd" in ASCII.
constexpr const char* kLock = "SELECT pg_advisory_lock(435459124324)";
constexpr const char* kUnlock = "SELECT pg_advisory_unlock(435459124324)";
constexpr Statement kIsApplied{"migration_is_applied",
                               "SELECT 1 FROM schema_migrations WHERE version = $1"};
constexpr Statement kRecord{"migration_record",
                            "INSERT INTO schema_migrations (version) VALUES ($1)"};
constexpr Statement kHasTable{"migrations_table_exists",
                              "SELECT to_regclass('schema_migrations') IS NOT NULL"};
constexpr Statement kApplied{"migrations_applied", "SELECT version FROM schema_migrations"};

}  // namespace

Result<std::vector<std::string>> apply_migrations(Connection& conn) {
    if (auto r = conn.exec_simple(kLock); !r) return Unexpected{r.error()};
    std::vector<std::string> applied;
    auto run = [&]() -> Result<void> {
        if (auto r = conn.exec_simple(kCreateTable); !r) return r;
        for (const Migration& m : migrations()) {
            auto done = conn.exec(kIsApplied, {std::string(m.version)});
            if (!done) return Unexpected{done.error()};
            if (!done->empty()) continue;
            auto tx = Transaction::begin(conn);
            if (!tx) return Unexpected{tx.error()};
            std::string sql(m.sql);
            if (auto r = conn.exec_simple(sql.c_str()); !r) {
                return fail(r.error().code, std::string(m.version) + ": " + r.error().detail);
            }
            if (auto r = conn.exec(kRecord, {std::string(m.version)}); !r) {
                return Unexpected{r.error()};
            }
            if (auto r = tx->commit(); !r) return r;
            applied.emplace_back(m.version);
        }
        return {};
    };
    auto result = run();
    (void)conn.exec_simple(kUnlock);
    if (!result) return Unexpected{result.error()};
    return applied;
}

Result<std::vector<std::string>> pending_migrations(Connection& conn) {
    auto has_table = conn.exec(kHasTable);
    if (!has_table) return Unexpected{has_table.error()};
    std::set<std::string, std::less<>> recorded;
    if (has_table->boolean(0, 0)) {
        auto rows = conn.exec(kApplied);
        if (!rows) return Unexpected{rows.error()};
        for (int i = 0; i < rows->size(); ++i) recorded.emplace(rows->text(i, 0));
    }
    std::vector<std::string> pending;
    for (const Migration& m : migrations()) {
        if (!recorded.contains(m.version)) pending.emplace_back(m.version);
    }
    return pending;
}

}  // namespace authd::db
