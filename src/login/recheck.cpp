// login/recheck.cpp
#include "login/recheck.h"

#include "accounts/lockout.h"
#include "crypto/password.h"
#include "login/failures.h"
#include "login/second_factor.h"

namespace authd::login {
namespace {

// The lockout gate: locked, or the subject to count against.
Result<RecheckResult> gate(Context& ctx, db::Transaction& tx, const accounts::User& user,
                           std::string* subject) {
    *subject = accounts::lockout_subject(ctx.keys.hmac_key(), user.email);
    auto lock = accounts::lock_state(tx, *subject);
    if (!lock) return Unexpected{lock.error()};
    if (lock->locked) return RecheckResult{Recheck::locked, lock->retry_after};
    return RecheckResult{};
}

Result<RecheckResult> judged(Context& ctx, db::Transaction& tx, const accounts::User& user,
                             const std::string& subject, bool ok, std::string_view event,
                             const audit::Origin& origin) {
    if (ok) return RecheckResult{};
    if (auto r = count_failure(ctx, tx, subject, &user, origin); !r) return Unexpected{r.error()};
    if (auto r = audit::record(ctx.db, event, user.id, origin); !r) return Unexpected{r.error()};
    return RecheckResult{Recheck::wrong};
}

}  // namespace

Result<RecheckResult> recheck_password(Context& ctx, db::Transaction& tx,
                                       const accounts::User& user, std::string_view password,
                                       const audit::Origin& origin) {
    std::string subject;
    auto locked = gate(ctx, tx, user, &subject);
    if (!locked || locked->outcome == Recheck::locked) return locked;
    const bool ok = crypto::verify_password(password, user.password_hash);
    return judged(ctx, tx, user, subject, ok, "password_recheck_failed", origin);
}

Result<RecheckResult> recheck_second_factor(Context& ctx, db::Transaction& tx,
                                            const accounts::User& user, const Secret& secret,
                                            std::string_view code, bool allow_backup,
                                            const audit::Origin& origin) {
    std::string subject;
    auto locked = gate(ctx, tx, user, &subject);
    if (!locked || locked->outcome == Recheck::locked) return locked;
    auto ok = check_second_factor(ctx, tx, user.id, secret, code, allow_backup);
    if (!ok) return Unexpected{ok.error()};
    return judged(ctx, tx, user, subject, *ok, "mfa_recheck_failed", origin);
}

}  // namespace authd::login
