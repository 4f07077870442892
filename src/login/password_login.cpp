// login/password_login.cpp
#include "login/password_login.h"

#include "accounts/lockout.h"
#include "login/failures.h"
#include "mfa/challenge_store.h"

namespace authd::login {

Result<PasswordOutcome> password_login(Context& ctx, db::Transaction& tx,
                                       const PasswordAttempt& attempt,
                                       const audit::Origin& origin) {
    // NB: the account's row before its lockout row (the lock order of
    // accounts/user_store.h): the session and the last-login time below
    // touch the users row again, and a password reset holds it while it
    // clears the lockout row.  Locked, the row's hash is also the one a
    // reset committed meanwhile: no session is made from a replaced password.
    auto found = accounts::lock_user_by_email(tx, attempt.email);
    if (!found) return Unexpected{found.error()};
    const std::string subject = accounts::lockout_subject(ctx.keys.hmac_key(), attempt.email);
    auto lock = accounts::lock_state(tx, subject);
    if (!lock) return Unexpected{lock.error()};
    if (lock->locked) return PasswordOutcome{Locked{lock->retry_after}};

    // NB: verify even when the account is unknown (against dummy_hash), so
    // the response time does not reveal which emails are registered.
    const bool reset_required = *found && (*found)->password_reset_required;
    const bool password_ok = crypto::verify_password(
        attempt.password.reveal(),
        *found && !reset_required ? (*found)->password_hash : ctx.dummy_hash);
    if (reset_required) {
        if (auto r = audit::record(
                ctx.db, "login_failed", (*found)->id, origin,
                audit::detail({{"reason", std::string_view("password_reset_required")}}));
            !r) {
            return Unexpected{r.error()};
        }
        return PasswordOutcome{PasswordResetRequired{}};
    }
    if (!*found || !password_ok) {
        const char* reason = *found ? "wrong_password" : "unknown_email";
        const accounts::User* user = *found ? &**found : nullptr;
        if (auto r = count_failure(ctx, tx, subject, user, origin); !r) {
            return Unexpected{r.error()};
        }
        if (auto r = audit::record(ctx.db, "login_failed",
                                   user ? std::optional<std::string>(user->id) : std::nullopt,
                                   origin, audit::detail({{"reason", std::string_view(reason)}}));
            !r) {
            return Unexpected{r.error()};
        }
        return PasswordOutcome{BadCredentials{reason}};
    }
    accounts::User user = std::move(**found);
    // NB: after the password, so only someone who knows it learns that the
    // account is disabled; the right password counts no failure.
    if (user.disabled()) {
        if (auto r =
                audit::record(ctx.db, "login_failed", user.id, origin,
                              audit::detail({{"reason", std::string_view("account_disabled")}}));
            !r) {
            return Unexpected{r.error()};
        }
        return PasswordOutcome{AccountDisabled{}};
    }
    if (!user.mfa_enabled) {
        if (auto r = accounts::clear_failures(tx, subject); !r) {
            return Unexpected{r.error()};
        }
    }
    if (!user.email_verified) return PasswordOutcome{EmailNotVerified{}};
    if (crypto::needs_rehash(user.password_hash, ctx.argon2)) {
        if (auto h = crypto::hash_password(attempt.password.reveal(), ctx.argon2)) {
            // Over the hash just checked only: a password change that
            // committed meanwhile is not undone by re-hashing the old one.
            auto replaced =
                accounts::replace_password_hash(ctx.db, user.id, user.password_hash, *h);
            if (replaced && *replaced) user.password_hash = std::move(*h);
        }
    }
    if (user.mfa_enabled) {
        auto token = mfa::create_challenge(
            tx, {user.id, attempt.remember_me, attempt.set_cookie, ctx.config.mfa.challenge_ttl});
        if (!token) return Unexpected{token.error()};
        return PasswordOutcome{SecondFactorNeeded{std::move(*token)}};
    }
    auto signed_in = issue_login(ctx, tx, std::move(user), attempt.remember_me, {"pwd"}, origin);
    if (!signed_in) return Unexpected{signed_in.error()};
    return PasswordOutcome{std::move(*signed_in)};
}

}  // namespace authd::login
