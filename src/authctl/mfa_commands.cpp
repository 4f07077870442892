// authctl/mfa_commands.cpp
//
// `authctl mfa reset EMAIL`: two-factor authentication off for a user who
// lost the device, audited with the operator.
#include <cstdio>

#include "authctl/cli.h"
#include "mfa/mfa_store.h"

namespace authd::authctl {
namespace {

int mfa_reset(const Config& config, const std::string& raw_email) {
    constexpr const char* what = "mfa reset";
    db::Connection db(config.database);
    auto user = find_account(db, raw_email);
    if (!user) return fail(what, user.error());
    auto tx = db::Transaction::begin(db);
    if (!tx) return fail(what, tx.error());
    // The account's row first (the lock order of accounts/user_store.h).
    if (auto locked = accounts::lock_user(*tx, user->id); !locked)
        return fail(what, locked.error());
    if (auto r = mfa::disable_mfa(*tx, user->id); !r) return fail(what, r.error());
    if (auto r = audit::record(db, "mfa_reset_by_operator", user->id, operator_origin(),
                               operator_detail());
        !r) {
        return fail(what, r.error());
    }
    if (auto r = tx->commit(); !r) return fail(what, r.error());
    std::printf("two-factor authentication is off for %s\n", user->email.c_str());
    return kExitOk;
}

}  // namespace

int run_mfa(const Invocation& call) {
    if (call.args.size() != 2 || call.args[0] != "reset") {
        return fail("mfa", "usage: authctl mfa reset EMAIL", kExitUsage);
    }
    return mfa_reset(call.config, call.args[1]);
}

}  // namespace authd::authctl
