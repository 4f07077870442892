// api/password_api.cpp
//
// Forgot answers 202 before it looks the email up: the lookup, the code and
// the mail happen after the response is sent (Response::after_response),
// so neither the body nor the time tells whether the account exists.
//
// Reset's rules (what it checks in which order, and why) are
// login/password_reset's.  Change needs the current password and keeps only
// the session it was made from.
#include "api/password_api.h"

#include <variant>

#include "accounts/user_store.h"
#include "api/answers.h"
#include "api/audit_origin.h"
#include "api/auth.h"
#include "api/email_work.h"
#include "api/limits.h"
#include "api/registration_api.h"
#include "api/services.h"
#include "audit/audit.h"
#include "core/log.h"
#include "core/overloaded.h"
#include "crypto/password.h"
#include "forms/requests.h"
#include "login/password_reset.h"
#include "login/reset_request.h"
#include "mail/outbox.h"
#include "mfa/challenge_store.h"

namespace authd::api {
namespace {

// Runs after the 202 is sent.
void send_reset_code(Services& s, const std::string& email, const audit::Origin& origin) {
    auto user = accounts::find_user_by_email(s.db, email);
    // A disabled account is sent nothing (login/account_state.h).
    if (!user || !*user || (*user)->disabled()) return;
    auto tx = db::Transaction::begin(s.db);
    if (!tx) return;
    Result<void> done = login::queue_reset_code(*tx, s.keys, s.config.accounts.reset_ttl, **user);
    if (done) done = audit::record(s.db, "password_reset_requested", (*user)->id, origin);
    if (done) done = tx->commit();
    if (!done) log::error("password_reset_request_failed").str("reason", done.error().detail);
}

// Inside the caller's transaction: the new password is in place.
Result<void> after_password_changed(Services& s, db::Transaction& tx, const accounts::User& user,
                                    const audit::Origin& origin) {
    if (auto r = audit::record(s.db, "password_changed", user.id, origin); !r) return r;
    return mail::enqueue(tx, s.keys, "password_changed", user.email,
                         {{"first_name", user.first_name}});
}

std::optional<forms::FieldErrors> policy_error(Services& s, const Secret& password,
                                               const std::string& email, const std::string& first,
                                               const std::string& last) {
    if (auto why = forms::password_problem(s.policy, password.reveal(), email, first, last)) {
        return forms::FieldErrors{{{"newPassword", *why}}};
    }
    return std::nullopt;
}

}  // namespace

Answer forgot_password(Services& s, const Call& call) {
    return answer_then_mail(
        s, call.request, call.body.root(), LimitKind::forgot_password,
        "If an account exists for this email, a password reset code has been sent.",
        send_reset_code);
}

Answer reset_password(Services& s, const Call& call) {
    // The body's shape first (a malformed email or code is a
    // VALIDATION_ERROR whoever asks); the rest is login/password_reset's.
    auto form = forms::parse_reset(call.body.root());
    if (!form) return invalid(form.error());
    login::Context ctx = s.login_context();
    auto outcome = login::reset_password(ctx, s.policy, *form, audit_origin(call.request));
    if (!outcome) return failure(outcome.error());
    return std::visit(
        Overloaded{
            [](const login::CodeRefused& c) -> Answer {
                return code_error(c.expired ? "CODE_EXPIRED" : "INVALID_CODE", c.reason);
            },
            [](const login::PasswordRefused& p) -> Answer {
                return invalid(forms::FieldErrors{{{"newPassword", p.problem}}});
            },
            [](const login::PasswordReset&) -> Answer {
                return message_response(
                    200, "Your password has been reset. Log in with the new password.");
            },
        },
        *outcome);
}

Answer change_password(Services& s, const Call& call) {
    auto caller = authenticate(s, call.request);
    if (!caller) return refuse(caller.error());
    auto form = forms::parse_change_password(call.body.root());
    if (!form) return invalid(form.error());
    auto found = accounts::find_user_by_id(s.db, caller->claims.user_id);
    if (!found) return failure(found.error());
    if (!*found) return wrong_password("user_gone");
    const accounts::User& user = **found;
    auto tx = begin_as_caller(s, *caller);
    if (!tx) return Unexpected{tx.error()};
    if (auto ok =
            check_password_again(s, *tx, user, form->current_password, audit_origin(call.request));
        !ok) {
        return Unexpected{ok.error()};
    }
    if (auto e = policy_error(s, form->new_password, user.email, user.first_name, user.last_name)) {
        return invalid(*e);
    }
    auto hash = crypto::hash_password(form->new_password.reveal(), s.argon2);
    if (!hash) return failure(hash.error());
    // NB: only over the hash the current password was checked against: of
    // concurrent changes one wins, and for the others the current password
    // is no longer the one they proved.
    auto replaced = accounts::replace_password_hash(s.db, user.id, user.password_hash, *hash);
    if (!replaced) return failure(replaced.error());
    if (!*replaced) return wrong_password("password_changed_meanwhile");
    auto revoked =
        sessions::revoke_all_sessions(*tx, user.id, "password_changed", caller->session.id);
    if (!revoked) return failure(revoked.error());
    if (auto ended = mfa::end_challenges_of_user(*tx, user.id); !ended) {
        return failure(ended.error());
    }
    Result<void> done = after_password_changed(s, *tx, user, audit_origin(call.request));
    if (done) done = tx->commit();
    if (!done) return failure(done.error());
    return message_response(200, "Your password has been changed.");
}

}  // namespace authd::api
