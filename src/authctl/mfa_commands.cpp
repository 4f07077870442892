// authctl/mfa_commands.cpp
//
// `authctl mfa reset EMAIL`: two-factor authentication off for a user who
// lost the device, audited with the operator.
#include <cstdio>

#include "authctl/cli.h"
#include "mfa/mfa_store.h"

namespace authd::authctl {
namespace {

int mfa_reset(const Invocation&, db::Connection& db, const accounts::User& user) {
    auto done = change_account(
        db, user,
        [](db::Transaction& tx, const accounts::User& locked) -> Result<std::optional<AuditRow>> {
            if (auto r = mfa::disable_mfa(tx, locked.id); !r) return Unexpected{r.error()};
            return audited("mfa_reset_by_operator", operator_detail());
        });
    if (!done) return fail("mfa reset", done.error());
    std::printf("two-factor authentication is off for %s\n", user.email.c_str());
    return kExitOk;
}

}  // namespace

int run_mfa(const Invocation& call) {
    if (call.args.size() != 2 || call.args[0] != "reset") {
        return fail("mfa", "usage: authctl mfa reset EMAIL", kExitUsage);
    }
    return on_account(call, mfa_reset);
}

}  // namespace authd::authctl
