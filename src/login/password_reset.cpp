// login/password_reset.cpp
#include "login/password_reset.h"

#include "accounts/email_codes.h"
#include "accounts/lockout.h"
#include "accounts/user_store.h"
#include "crypto/password.h"
#include "mail/outbox.h"
#include "mfa/challenge_store.h"
#include "sessions/session_store.h"

namespace authd::login {
namespace {

// The new password is in place: every session ends, a lock lifts, and the
// account hears of it.
Result<void> finish_reset(Context& ctx, db::Transaction& tx, const accounts::User& user,
                          const std::string& hash, const audit::Origin& origin) {
    if (auto r = accounts::set_password_hash(ctx.db, user.id, hash); !r) return r;
    if (auto r = sessions::revoke_all_sessions(tx, user.id, "password_reset"); !r) {
        return Unexpected{r.error()};
    }
    if (auto r = mfa::end_challenges_of_user(tx, user.id); !r) return r;
    const std::string subject = accounts::lockout_subject(ctx.keys.hmac_key(), user.email);
    if (auto r = accounts::clear_failures(tx, subject); !r) return r;
    if (auto r = audit::record(ctx.db, "password_reset", user.id, origin); !r) return r;
    return mail::enqueue(tx, ctx.keys, "password_changed", user.email,
                         {{"first_name", user.first_name}});
}

}  // namespace

Result<ResetOutcome> reset_password(Context& ctx, const forms::PasswordPolicy& policy,
                                    const forms::ResetForm& form, const audit::Origin& origin) {
    auto tx = db::Transaction::begin(ctx.db);
    if (!tx) return Unexpected{tx.error()};
    auto found = accounts::lock_user_by_email(*tx, form.email);
    if (!found) return Unexpected{found.error()};

    const Secret& key = ctx.keys.hmac_key();
    const int max_attempts = ctx.config.accounts.code_max_attempts;
    constexpr auto purpose = accounts::CodePurpose::password_reset;
    // NB: an unknown email is checked too, against nobody's codes, so that
    // its answer and its time are those of a wrong code.  A disabled account
    // is answered as an unknown one: a reset does not undo a disable
    // (login/account_state.h).
    const bool resettable = *found && !(*found)->disabled();
    auto check =
        resettable ? accounts::check_code(*tx, key, (*found)->id, purpose, form.code, max_attempts)
                   : accounts::check_code_of_nobody(*tx, key, purpose, form.code, max_attempts);
    if (!check) return Unexpected{check.error()};
    if (*check != accounts::CodeCheck::accepted) {
        if (auto r = tx->commit(); !r) return Unexpected{r.error()};  // the try counts
        if (*check == accounts::CodeCheck::expired) {
            return ResetOutcome{CodeRefused{true, "code_expired"}};
        }
        return ResetOutcome{CodeRefused{
            false, resettable ? "wrong_code" : (*found ? "account_disabled" : "unknown_email")}};
    }
    const accounts::User& user = **found;
    // NB: refused without a commit: the code's consumption rolls back and
    // the user tries again with a better password.
    if (auto why = forms::password_problem(policy, form.new_password.reveal(), user.email,
                                           user.first_name, user.last_name)) {
        return ResetOutcome{PasswordRefused{std::move(*why)}};
    }
    auto hash = crypto::hash_password(form.new_password.reveal(), ctx.argon2);
    if (!hash) return Unexpected{hash.error()};
    if (auto r = finish_reset(ctx, *tx, user, *hash, origin); !r) return Unexpected{r.error()};
    if (auto r = tx->commit(); !r) return Unexpected{r.error()};
    return ResetOutcome{PasswordReset{}};
}

}  // namespace authd::login
