// authctl/maintenance_commands.cpp
//
// `authctl migrate` and `authctl purge`: the schema and the housekeeping.
#include <cstdio>

#include "authctl/cli.h"
#include "db/migrations.h"
#include "housekeeping/purge.h"

namespace authd::authctl {
namespace {

int migrate(const Config& config) {
    // NB: no statement timeout: building an index on a large table may take
    // longer than any request should.
    db::Connection conn(config.database, 0);
    auto applied = db::apply_migrations(conn);
    if (!applied) return fail("migrate", applied.error());
    for (const auto& v : *applied) std::printf("applied %s\n", v.c_str());
    if (applied->empty()) {
        std::printf("schema is up to date\n");
        return kExitOk;
    }
    return record_operator_change(config, "migrate", "schema_migrated",
                                  {{"migrations", joined(*applied)}})
               ? kExitOk
               : kExitUnavailable;
}

int purge(const Config& config) {
    db::Connection db(config.database);
    auto deleted = housekeeping::purge_expired(db, config);
    if (!deleted) return fail("purge", deleted.error());
    std::printf("deleted %lld rows\n", static_cast<long long>(*deleted));
    if (*deleted == 0) return kExitOk;
    const std::string rows = std::to_string(*deleted);
    return record_operator_change(config, "purge", "purged_by_operator", {{"rows", rows}})
               ? kExitOk
               : kExitUnavailable;
}

}  // namespace

int run_maintenance(const Invocation& call) {
    if (!call.args.empty()) return fail(call.group, "takes no arguments", kExitUsage);
    return call.group == "migrate" ? migrate(call.config) : purge(call.config);
}

}  // namespace authd::authctl
