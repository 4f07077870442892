// login/issue.cpp
#include "login/issue.h"

namespace authd::login {

Result<SignedIn> issue_login(Context& ctx, db::Transaction& tx, accounts::User user,
                             bool remember_me, std::vector<std::string> amr,
                             const audit::Origin& origin) {
    const bool with_otp = amr.size() > 1;
    const int ttl = remember_me ? ctx.config.tokens.remember_me_ttl : ctx.config.tokens.session_ttl;
    auto issued = sessions::create_session(tx, {user.id, ttl, std::move(amr), origin});
    if (!issued) return Unexpected{issued.error()};
    if (auto r = accounts::record_login(ctx.db, user.id); !r) return Unexpected{r.error()};
    const std::string detail =
        with_otp ? audit::detail({{"session_id", issued->session.id}, {"mfa", true}})
                 : audit::session_detail(issued->session.id);
    if (auto r = audit::record(ctx.db, "login", user.id, origin, detail); !r) {
        return Unexpected{r.error()};
    }
    // The login and the session share the transaction's timestamp.
    user.last_login_at = issued->session.created_at;
    return SignedIn{std::move(user), std::move(*issued)};
}

}  // namespace authd::login
