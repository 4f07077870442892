// login/account_state.cpp
#include "login/account_state.h"

#include "mfa/challenge_store.h"
#include "sessions/session_store.h"

namespace authd::login {

Result<bool> disable_account(db::Transaction& tx, const accounts::User& locked) {
    auto changed = accounts::set_disabled(tx, locked.id, true);
    if (!changed || !*changed) return changed;
    if (auto r = sessions::revoke_all_sessions(tx, locked.id, "account_disabled"); !r) {
        return Unexpected{r.error()};
    }
    if (auto r = mfa::end_challenges_of_user(tx, locked.id); !r) return Unexpected{r.error()};
    return true;
}

Result<bool> enable_account(db::Transaction& tx, const accounts::User& locked) {
    return accounts::set_disabled(tx, locked.id, false);
}

}  // namespace authd::login
