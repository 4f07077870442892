// api/registration_api.cpp
//
// Registration writes the user, the verification code, the outbox row and
// the audit event in one transaction: either the account exists and its
// mail will go out, or nothing happened.
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

// A fresh code and its mail.
Result<void> send_verification(Services& s, db::Transaction& tx, const accounts::User& user) {
    auto code =
        accounts::issue_code(tx, s.keys.hmac_key(), user.id, accounts::CodePurpose::verify_email,
                             s.config.accounts.verification_ttl);
    if (!code) return Unexpected{code.error()};
    return mail::enqueue(tx, s.keys, "verify_email", user.email,
                         {{"code", std::string(code->reveal())},
                          {"first_name", user.first_name},
                          {"code_lifetime", human_duration(s.config.accounts.verification_ttl)}});
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
    auto user = accounts::create_user(
        s.db, {form->email, std::move(*hash), form->first_name, form->last_name});
    if (!user) {
        if (user.error().code != ErrorCode::conflict) return failure(user.error());
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
