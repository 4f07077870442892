// api/registration_api.cpp
//
// Registration writes the user, the verification code, the outbox row and
// the audit event in one transaction: either the account exists and its
// mail will go out, or nothing happened.
//
// Pre-hijacking: whoever registers an email first chooses its password,
// but only the mailbox's owner can verify it.  A registration of an email
// whose account is still unverified answers 409 EMAIL_EXISTS, as the
// contract says, and, when its password is another one, takes the pending
// account over (password and names) and mails a fresh code that
// supersedes every code mailed before.  The password a live code verifies
// is then always the one it was mailed for: the owner who registers and
// enters the newest code gets their own password, and the first
// registrant, who cannot read the mail, is left with a superseded one.
#include "api/registration_api.h"

#include "accounts/email_codes.h"
#include "accounts/user_store.h"
#include "api/answers.h"
#include "api/audit_origin.h"
#include "api/email_work.h"
#include "api/limits.h"
#include "api/services.h"
#include "api/user_json.h"
#include "audit/audit.h"
#include "core/human_duration.h"
#include "core/log.h"
#include "crypto/password.h"
#include "forms/requests.h"
#include "json/writer.h"
#include "mail/outbox.h"

namespace authd::api {
namespace {

// A fresh code, superseding the live one, and its mail; with `deliver`
// false the code goes to no one and only retires the live one.
Result<void> send_verification(Services& s, db::Transaction& tx, const accounts::User& user,
                               bool deliver = true) {
    auto code =
        accounts::issue_code(tx, s.keys.hmac_key(), user.id, accounts::CodePurpose::verify_email,
                             s.config.accounts.verification_ttl);
    if (!code) return Unexpected{code.error()};
    if (!deliver) return {};
    return mail::enqueue(tx, s.keys, "verify_email", user.email,
                         {{"code", std::string(code->reveal())},
                          {"first_name", user.first_name},
                          {"code_lifetime", human_duration(s.config.accounts.verification_ttl)}});
}

// A registration of a taken email, inside its transaction; the answer is
// 409 whatever happens here.  An unverified account registered with
// another password is taken over (see the top of this file).  The per-email
// mail limit of resend-verification counts these mails too, so a mailbox
// cannot be flooded; over it the takeover happens all the same, with a
// code mailed to no one: a first registrant who spent the limit must not
// keep a code live for their own password.
Result<void> register_again(Services& s, db::Transaction& tx, const forms::RegisterForm& form,
                            const accounts::NewUser& fresh, const audit::Origin& origin) {
    auto found = accounts::find_user_by_email(s.db, form.email);
    if (!found) return Unexpected{found.error()};
    if (!*found) return {};  // purged meanwhile
    // NB: verified or not, the password is checked, so the time of the 409
    // tells little about the account's state (its existence the 409 tells).
    const bool same_password =
        crypto::verify_password(form.password.reveal(), (*found)->password_hash);
    // The same registration again (a retry) changes nothing, and its code
    // stays live.
    if ((*found)->email_verified || same_password) return {};
    const bool deliver = !over_limit(s, LimitKind::resend_verification, form.email);
    auto replaced = accounts::replace_unverified_registration(tx, fresh);
    if (!replaced) return Unexpected{replaced.error()};
    if (!*replaced) return {};  // verified meanwhile: it keeps its password
    if (auto r = send_verification(s, tx, **replaced, deliver); !r) return r;
    return audit::record(s.db, "registration_replaced", (*replaced)->id, origin,
                         audit::detail({{"mailed", deliver}}));
}

}  // namespace

Answer register_account(Services& s, const Call& call) {
    // The per-IP limit was counted by the dispatcher (api/routes.h).
    auto form = forms::parse_register(call.body.root(), s.policy);
    if (!form) return invalid(form.error());
    auto hash = crypto::hash_password(form->password.reveal(), s.argon2);
    if (!hash) return failure(hash.error());

    auto tx = db::Transaction::begin(s.db);
    if (!tx) return failure(tx.error());
    // Unverified accounts past their life give their email back.
    if (auto r = accounts::purge_unverified(s.db, s.config.accounts.unverified_ttl); !r) {
        return failure(r.error());
    }
    const accounts::NewUser fresh{form->email, std::move(*hash), form->first_name, form->last_name};
    auto user = accounts::create_user(s.db, fresh);
    if (!user) {
        if (user.error().code != ErrorCode::conflict) return failure(user.error());
        if (auto r = register_again(s, *tx, *form, fresh, audit_origin(call.request)); !r) {
            return failure(r.error());
        }
        if (auto r = tx->commit(); !r) return failure(r.error());
        http::ApiError e{409, "EMAIL_EXISTS", "an account with this email already exists"};
        e.log_reason = "email_exists";
        return refuse(e);
    }
    if (auto r = send_verification(s, *tx, *user); !r) return failure(r.error());
    if (auto r = audit::record(s.db, "register", user->id, audit_origin(call.request)); !r) {
        return failure(r.error());
    }
    if (auto r = tx->commit(); !r) return failure(r.error());

    json::Writer w;
    w.begin_object();
    w.key("user");
    write_user(w, *user);
    w.key("message").string("Account created. Check your email for a verification code.");
    w.end_object();
    return http::json_response(201, std::move(w).str());
}

Answer verify_email(Services& s, const Call& call) {
    auto form = forms::parse_email_code(call.body.root());
    if (!form) return invalid(form.error());
    auto user = accounts::find_user_by_email(s.db, form->email);
    if (!user) return failure(user.error());
    if (!*user) return code_error("INVALID_CODE", "unknown_email");
    if ((*user)->email_verified) return code_error("INVALID_CODE", "already_verified");

    auto tx = db::Transaction::begin(s.db);
    if (!tx) return failure(tx.error());
    auto check = accounts::check_code(*tx, s.keys.hmac_key(), (*user)->id,
                                      accounts::CodePurpose::verify_email, form->code,
                                      s.config.accounts.code_max_attempts);
    if (!check) return failure(check.error());
    if (*check == accounts::CodeCheck::accepted) {
        if (auto r = accounts::mark_email_verified(s.db, (*user)->id); !r) {
            return failure(r.error());
        }
        if (auto r = audit::record(s.db, "email_verified", (*user)->id, audit_origin(call.request));
            !r) {
            return failure(r.error());
        }
    }
    // Commit in every case: a wrong try is counted.
    if (auto r = tx->commit(); !r) return failure(r.error());
    switch (*check) {
        case accounts::CodeCheck::accepted:
            return message_response(200, "Email verified. You can now log in.");
        case accounts::CodeCheck::expired:
            return code_error("CODE_EXPIRED", "code_expired");
        case accounts::CodeCheck::wrong:
            break;
    }
    return code_error("INVALID_CODE", "wrong_code");
}

Answer resend_verification(Services& s, const Call& call) {
    return answer_then_mail(
        s, call.request, call.body.root(), LimitKind::resend_verification,
        "If an unverified account exists for this email, a new code has been sent.",
        [](Services& services, const std::string& email, const audit::Origin& origin) {
            auto user = accounts::find_user_by_email(services.db, email);
            if (!user || !*user || (*user)->email_verified) return;
            auto tx = db::Transaction::begin(services.db);
            if (!tx) return;
            Result<void> r = send_verification(services, *tx, **user);
            if (r) r = audit::record(services.db, "verification_resent", (*user)->id, origin);
            if (r) r = tx->commit();
            if (!r) log::error("resend_verification_failed").str("reason", r.error().detail);
        });
}

}  // namespace authd::api
