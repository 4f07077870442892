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

int groups_change(const Config& config, bool add, const std::string& raw_email,
                  const std::string& group) {
    const char* what = add ? "groups add" : "groups remove";
    if (!accounts::valid_group_name(group)) {
        return fail(what, "invalid group name \"" + group +
                              "\" (1-64 characters of A-Z a-z 0-9 _ . -, the first a letter or "
                              "digit)");
    }
    db::Connection db(config.database);
    auto user = find_account(db, raw_email);
    if (!user) return fail(what, user.error());
    auto tx = db::Transaction::begin(db);
    if (!tx) return fail(what, tx.error());
    auto changed = add ? accounts::add_to_group(db, user->id, group)
                       : accounts::remove_from_group(db, user->id, group);
    if (!changed) return fail(what, changed.error());
    if (*changed) {
        if (auto r = audit::record(db, add ? "group_added" : "group_removed", user->id,
                                   operator_origin(), operator_detail({{"group", group}}));
            !r) {
            return fail(what, r.error());
        }
    }
    if (auto r = tx->commit(); !r) return fail(what, r.error());
    const char* email = user->email.c_str();
    if (add) {
        std::printf(*changed ? "added %s to %s\n" : "%s is already in %s\n", email, group.c_str());
    } else {
        std::printf(*changed ? "removed %s from %s\n" : "%s is not in %s\n", email, group.c_str());
    }
    return kExitOk;
}

int groups_list(const Invocation& call, const std::string& raw_email) {
    db::Connection db(call.config.database);
    auto user = find_account(db, raw_email);
    if (!user) return fail("groups list", user.error());
    auto groups = accounts::groups_of(db, user->id);
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
        return groups_change(call.config, a[0] == "add", a[1], a[2]);
    }
    if (a.size() == 2 && a[0] == "list") return groups_list(call, a[1]);
    return fail("groups", "usage: authctl groups add|remove EMAIL GROUP, groups list EMAIL",
                kExitUsage);
}

}  // namespace authd::authctl
