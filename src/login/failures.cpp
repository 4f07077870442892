// login/failures.cpp
#include "login/failures.h"

#include "accounts/lockout.h"
#include "core/human_duration.h"
#include "mail/outbox.h"

namespace authd::login {

Result<void> count_failure(Context& ctx, db::Transaction& tx, const std::string& subject,
                           const accounts::User* user, const audit::Origin& origin) {
    auto count = accounts::record_failure(tx, subject, ctx.config.lockout);
    if (!count) return Unexpected{count.error()};
    if (!count->locked_now || !user) return {};
    if (auto r = audit::record(ctx.db, "account_locked", user->id, origin); !r) return r;
    return mail::enqueue(tx, ctx.keys, "account_locked", user->email,
                         {{"first_name", user->first_name},
                          {"lock_duration", human_duration(ctx.config.lockout.duration)}});
}

}  // namespace authd::login
