// authctl/group_commands.cpp
//
// `authctl groups add|remove EMAIL GROUP` and `authctl groups list EMAIL`.
// A change is one transaction holding it and, when something changed, its
// audit event (group_added, group_removed; the group and the operator in
// the details).  Adding a group the user is in, or removing one the user is
// not in, changes nothing, is not audited, and succeeds.
#include <cstdio>

#include "accounts/groups.h"
#include "authctl/cli.h"
#include "json/writer.h"

namespace authd::authctl {
namespace {

int groups_change(const Invocation& call, db::Connection& db, const accounts::User& user) {
    const bool add = call.args[0] == "add";
    const std::string& group = call.args[2];
    auto changed = change_account(
        db, user,
        [&](db::Transaction& tx, const accounts::User& locked) -> Result<std::optional<AuditRow>> {
            auto done = add ? accounts::add_to_group(tx.connection(), locked.id, group)
                            : accounts::remove_from_group(tx.connection(), locked.id, group);
            if (!done) return Unexpected{done.error()};
            if (!*done) return unchanged();
            return audited(add ? "group_added" : "group_removed",
                           operator_detail({{"group", group}}));
        });
    if (!changed) return fail(add ? "groups add" : "groups remove", changed.error());
    const char* email = user.email.c_str();
    if (add) {
        std::printf(*changed ? "added %s to %s\n" : "%s is already in %s\n", email, group.c_str());
    } else {
        std::printf(*changed ? "removed %s from %s\n" : "%s is not in %s\n", email, group.c_str());
    }
    return kExitOk;
}

int groups_list(const Invocation& call, db::Connection& db, const accounts::User& user) {
    auto groups = accounts::groups_of(db, user.id);
    if (!groups) return fail("groups list", groups.error());
    if (call.json) {
        json::Writer out;
        out.begin_array();
        for (const auto& g : *groups) out.string(g);
        out.end_array();
        print_line(std::move(out).str());
        return kExitOk;
    }
    for (const auto& g : *groups) print_line(g);
    return kExitOk;
}

}  // namespace

int run_groups(const Invocation& call) {
    const auto& a = call.args;
    if (a.size() == 3 && (a[0] == "add" || a[0] == "remove")) {
        if (!accounts::valid_group_name(a[2])) {
            return fail("groups " + a[0],
                        "invalid group name \"" + a[2] +
                            "\" (1-64 characters of A-Z a-z 0-9 _ . -, the first a letter or "
                            "digit)");
        }
        return on_account(call, groups_change);
    }
    if (a.size() == 2 && a[0] == "list") return on_account(call, groups_list);
    return fail("groups", "usage: authctl groups add|remove EMAIL GROUP, groups list EMAIL",
                kExitUsage);
}

}  // namespace authd::authctl
