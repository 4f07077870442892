// login/second_factor.cpp
#include "login/second_factor.h"

#include "accounts/lockout.h"
#include "core/clock.h"
#include "core/log.h"
#include "crypto/totp.h"
#include "login/failures.h"
#include "mfa/backup_codes.h"
#include "mfa/challenge_store.h"
#include "mfa/mfa_store.h"

namespace authd::login {
Result<bool> check_second_factor(Context& ctx, db::Transaction& tx, const std::string& user_id,
                                 const Secret& secret, std::string_view code, bool allow_backup) {
    if (auto step = crypto::match_totp(secret.reveal(), code, unix_now())) {
        return mfa::accept_step(tx, user_id, *step, false);
    }
    if (!allow_backup) return false;
    auto normalized = mfa::normalize_backup_code(code);
    if (!normalized) return false;
    return mfa::use_backup_code(tx, ctx.keys.hmac_key(), user_id, *normalized);
}

Result<SecondFactorOutcome> second_factor_login(Context& ctx, db::Transaction& tx,
                                                std::string_view session_token,
                                                std::string_view code,
                                                const audit::Origin& origin) {
    // NB: the account's row before the challenge's and the lockout row (the
    // lock order of accounts/user_store.h); the challenge names the account.
    auto owner = mfa::find_challenge_owner(ctx.db, session_token);
    if (!owner) return Unexpected{owner.error()};
    if (!*owner) return SecondFactorOutcome{ChallengeDead{"mfa_session_dead"}};
    auto user = accounts::lock_user(tx, **owner);
    if (!user) return Unexpected{user.error()};
    auto challenge =
        mfa::lock_live_challenge(tx, session_token, ctx.config.mfa.challenge_max_attempts);
    if (!challenge) return Unexpected{challenge.error()};
    if (!*challenge) return SecondFactorOutcome{ChallengeDead{"mfa_session_dead"}};
    if (!*user || !(*user)->mfa_enabled) {
        return SecondFactorOutcome{ChallengeDead{"mfa_user_gone"}};
    }
    if ((*user)->disabled()) return SecondFactorOutcome{AccountDisabled{}};
    const std::string subject = accounts::lockout_subject(ctx.keys.hmac_key(), (*user)->email);
    auto lock = accounts::lock_state(tx, subject);
    if (!lock) return Unexpected{lock.error()};
    if (lock->locked) return SecondFactorOutcome{Locked{lock->retry_after}};
    auto stored = mfa::load_secret(ctx.db, ctx.keys, (*user)->id);
    if (!stored || !*stored || (*stored)->pending) {
        // A secret that does not open is an alert, never "2FA off".
        const Error e = !stored
                            ? stored.error()
                            : Error{ErrorCode::internal, "mfa enabled without an active secret"};
        log::error("mfa_alert").str("reason", e.detail);
        return Unexpected<Error>{e};
    }
    auto ok = check_second_factor(ctx, tx, (*user)->id, (*stored)->secret, code, true);
    if (!ok) return Unexpected{ok.error()};
    if (!*ok) {
        Result<void> done = mfa::count_wrong_code(tx, **challenge);
        if (done) done = count_failure(ctx, tx, subject, &**user, origin);
        if (done) done = audit::record(ctx.db, "mfa_failed", (*user)->id, origin);
        if (!done) return Unexpected{done.error()};
        return SecondFactorOutcome{WrongCode{}};
    }
    Result<void> done = mfa::mark_used(tx, **challenge);
    if (done) done = accounts::clear_failures(tx, subject);
    if (!done) return Unexpected{done.error()};
    auto signed_in =
        issue_login(ctx, tx, std::move(**user), (*challenge)->remember_me, {"pwd", "otp"}, origin);
    if (!signed_in) return Unexpected{signed_in.error()};
    return SecondFactorOutcome{
        SignedInWithSecondFactor{std::move(*signed_in), (*challenge)->set_cookie}};
}

}  // namespace authd::login
