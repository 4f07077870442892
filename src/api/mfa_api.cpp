// api/mfa_api.cpp
//
// Where codes are checked, order matters:
//  - mfa/verify looks at the sessionToken before the code (an unknown,
//    expired, used or burnt one is MFA_SESSION_EXPIRED whatever the code),
//    then at the account lockout, then at the code.  A wrong code counts
//    against both the challenge (5 kill it) and the account lockout, which
//    a correct password alone does not reset when 2FA is on.
//  - TOTP codes are matched in constant time for steps -1, 0, +1 and the
//    matched step is consumed atomically (mfa_store), so a code works once.
#include "api/mfa_api.h"

#include "accounts/lockout.h"
#include "api/audit_origin.h"
#include "api/auth.h"
#include "api/credentials.h"
#include "api/services.h"
#include "api/token_response.h"
#include "audit/audit.h"
#include "core/log.h"
#include "crypto/encoding.h"
#include "crypto/password.h"
#include "crypto/totp.h"
#include "mail/outbox.h"
#include "mfa/backup_codes.h"
#include "mfa/challenge_store.h"
#include "mfa/mfa_store.h"
#include "mfa/qr_png.h"

namespace authd::api {
namespace {

http::Response mfa_error(int status, std::string_view code, std::string_view message,
                         std::string reason, std::string_view rid) {
    http::ApiError e{status, code, std::string(message)};
    e.log_reason = std::move(reason);
    return http::error_response(e, rid);
}

http::Response wrong_code(int status, std::string_view rid) {
    return mfa_error(status, "INVALID_MFA_CODE", "the code is not valid", "wrong_mfa_code", rid);
}

http::Response not_enabled(std::string_view rid) {
    return mfa_error(409, "MFA_NOT_ENABLED", "two-factor authentication is not enabled",
                     "mfa_not_enabled", rid);
}

http::Response internal(const Error& error, std::string_view rid) {
    // A secret that does not open is an alert, never "2FA off".
    log::error("mfa_alert").str("reason", error.detail);
    return http::from_error(error, rid);
}

// A TOTP code (6 digits) or, when allowed, a backup code.  Consumes what
// it accepts.  Inside the caller's transaction.
Result<bool> check_second_factor(Services& s, const std::string& user_id, const Secret& secret,
                                 std::string_view code, bool allow_backup) {
    if (auto step = crypto::match_totp(secret.reveal(), code, unix_now())) {
        return mfa::accept_step(s.db, user_id, *step, false);
    }
    if (!allow_backup) return false;
    auto normalized = mfa::normalize_backup_code(code);
    if (!normalized) return false;
    return mfa::use_backup_code(s.db, s.keys.hmac_key(), user_id, *normalized);
}

// For the signed-in user's own 2FA changes, inside the caller's
// transaction: nullopt when `code` is a valid (and now consumed) second
// factor of an active 2FA, else the answer to send.
std::optional<http::Response> check_active_factor(Services& s, const std::string& user_id,
                                                  std::string_view code, bool allow_backup,
                                                  std::string_view rid) {
    auto stored = mfa::load_secret(s.db, s.keys, user_id);
    if (!stored) return internal(stored.error(), rid);
    if (!*stored || (*stored)->pending) return not_enabled(rid);
    auto ok = check_second_factor(s, user_id, (*stored)->secret, code, allow_backup);
    if (!ok) return http::from_error(ok.error(), rid);
    if (!*ok) return wrong_code(401, rid);
    return std::nullopt;
}

std::vector<std::string> issue_backup_codes(Services& s, const std::string& user_id,
                                            Result<void>& status) {
    std::vector<std::string> shown = mfa::new_backup_codes();
    std::vector<std::string> canonical;
    for (const auto& c : shown) canonical.push_back(*mfa::normalize_backup_code(c));
    status = mfa::replace_backup_codes(s.db, s.keys.hmac_key(), user_id, canonical);
    return shown;
}

void write_codes(json::Writer& w, const std::vector<std::string>& codes) {
    w.key("backupCodes").begin_array();
    for (const auto& c : codes) w.string(c);
    w.end_array();
}

}  // namespace

http::Response setup_mfa(Services& s, const Call& call) {
    const std::string& rid = call.request.request_id;
    auto caller = authenticate(s, call.request);
    if (!caller) return http::error_response(caller.error(), rid);
    const std::string& user_id = caller->claims.user_id;
    // The per-user limit was counted by the dispatcher (api/routes.h).
    auto form = forms::parse_password(call.body.root());
    if (!form) return http::error_response(form.error(), rid);
    auto user = accounts::find_user_by_id(s.db, user_id);
    if (!user) return http::from_error(user.error(), rid);
    if (!*user) return wrong_password("wrong_password", rid);
    if ((*user)->mfa_enabled) {
        return mfa_error(409, "MFA_ALREADY_ENABLED", "two-factor authentication is already on",
                         "mfa_already_enabled", rid);
    }
    // NB: the password again, so a stolen access token cannot enrol the
    // thief's authenticator.
    if (!crypto::verify_password(form->password, (*user)->password_hash)) {
        return wrong_password("wrong_password", rid);
    }
    Secret secret(crypto::new_totp_secret());
    const std::string base32 = crypto::base32_encode(secret.reveal());
    const std::string uri = mfa::otpauth_uri(s.config.mfa.issuer, (*user)->email, base32);
    auto png = mfa::qr_png(uri);
    if (!png) return http::from_error(png.error(), rid);

    auto tx = begin_as_caller(s, *caller, rid);
    if (!tx) return tx.error();
    Result<void> done = mfa::save_pending_secret(s.db, s.keys, user_id, secret);
    if (done) done = audit::record(s.db, "mfa_setup_started", user_id, audit_origin(call.request));
    if (done) done = tx->commit();
    if (!done) return http::from_error(done.error(), rid);

    json::Writer w;
    w.begin_object();
    w.key("secret").string(base32);
    w.key("otpauthUri").string(uri);
    w.key("qrCode").string(mfa::png_data_uri(*png));
    w.end_object();
    return http::json_response(200, std::move(w).str());
}

http::Response verify_mfa_setup(Services& s, const Call& call) {
    const std::string& rid = call.request.request_id;
    auto caller = authenticate(s, call.request);
    if (!caller) return http::error_response(caller.error(), rid);
    auto form = forms::parse_code(call.body.root());
    if (!form) return http::error_response(form.error(), rid);
    const std::string& user_id = caller->claims.user_id;

    auto tx = begin_as_caller(s, *caller, rid);
    if (!tx) return tx.error();
    auto stored = mfa::load_secret(s.db, s.keys, user_id);
    if (!stored) return internal(stored.error(), rid);
    if (!*stored || !(*stored)->pending) {
        return mfa_error(409, "MFA_NOT_PENDING", "no two-factor setup is waiting to be verified",
                         "mfa_not_pending", rid);
    }
    auto step = crypto::match_totp((*stored)->secret.reveal(), form->code, unix_now());
    if (!step) return wrong_code(400, rid);
    // Verifying the setup consumes its time step too.
    auto accepted = mfa::accept_step(s.db, user_id, *step, true);
    if (!accepted) return http::from_error(accepted.error(), rid);
    if (!*accepted) return wrong_code(400, rid);
    Result<void> done;
    std::vector<std::string> codes = issue_backup_codes(s, user_id, done);
    if (done) done = audit::record(s.db, "mfa_enabled", user_id, audit_origin(call.request));
    auto user = accounts::find_user_by_id(s.db, user_id);
    if (done && user && *user) {
        done = mail::enqueue(s.db, s.keys, "mfa_enabled", (*user)->email,
                             {{"first_name", (*user)->first_name}});
    }
    if (done) done = tx->commit();
    if (!done) return http::from_error(done.error(), rid);

    json::Writer w;
    w.begin_object();
    w.key("mfaEnabled").boolean(true);
    write_codes(w, codes);
    w.end_object();
    return http::json_response(200, std::move(w).str());
}

http::Response begin_mfa_challenge(Services& s, db::Transaction& tx, const accounts::User& user,
                                   const forms::LoginForm& form, std::string_view rid) {
    auto token = mfa::create_challenge(
        s.db, {user.id, form.remember_me, form.set_cookie, s.config.mfa.challenge_ttl});
    if (!token) return http::from_error(token.error(), rid);
    if (auto r = tx.commit(); !r) return http::from_error(r.error(), rid);
    json::Writer w;
    w.begin_object();
    w.key("mfaRequired").boolean(true);
    w.key("sessionToken").string(token->reveal());
    w.key("tokenType").string("Bearer");
    w.key("sessionExpiresIn").number(s.config.mfa.challenge_ttl);
    w.end_object();
    http::Response r = http::json_response(200, std::move(w).str());
    r.log_reason = "mfa_challenge";
    return r;
}

http::Response complete_mfa_login(Services& s, const Call& call) {
    const std::string& rid = call.request.request_id;
    auto form = forms::parse_mfa_login(call.body.root());
    if (!form) return http::error_response(form.error(), rid);
    const audit::Origin origin = audit_origin(call.request);

    auto tx = db::Transaction::begin(s.db);
    if (!tx) return http::from_error(tx.error(), rid);
    auto challenge =
        mfa::lock_live_challenge(s.db, form->session_token, s.config.mfa.challenge_max_attempts);
    if (!challenge) return http::from_error(challenge.error(), rid);
    if (!*challenge) {
        return mfa_error(401, "MFA_SESSION_EXPIRED", "the MFA session has expired; log in again",
                         "mfa_session_dead", rid);
    }
    auto user = accounts::find_user_by_id(s.db, (*challenge)->user_id);
    if (!user) return http::from_error(user.error(), rid);
    if (!*user || !(*user)->mfa_enabled) {
        return mfa_error(401, "MFA_SESSION_EXPIRED", "the MFA session has expired; log in again",
                         "mfa_user_gone", rid);
    }
    const std::string subject = accounts::lockout_subject(s.keys.hmac_key(), (*user)->email);
    auto lock = accounts::lock_state(s.db, subject);
    if (!lock) return http::from_error(lock.error(), rid);
    if (lock->locked) {
        if (auto r = tx->commit(); !r) return http::from_error(r.error(), rid);
        return account_locked(lock->retry_after, rid);
    }
    auto stored = mfa::load_secret(s.db, s.keys, (*user)->id);
    if (!stored) return internal(stored.error(), rid);
    if (!*stored || (*stored)->pending) {
        return internal({ErrorCode::internal, "mfa enabled without an active secret"}, rid);
    }
    auto ok = check_second_factor(s, (*user)->id, (*stored)->secret, form->code, true);
    if (!ok) return http::from_error(ok.error(), rid);
    if (!*ok) {
        Result<void> done = mfa::count_wrong_code(s.db, **challenge);
        if (done) done = count_failure(s, subject, &**user, origin);
        if (done) {
            done = audit::record(s.db, "mfa_failed", (*user)->id, origin);
        }
        if (done) done = tx->commit();
        if (!done) return http::from_error(done.error(), rid);
        return wrong_code(401, rid);
    }
    Result<void> done = mfa::mark_used(s.db, **challenge);
    if (done) done = accounts::clear_failures(s.db, subject);
    if (!done) return http::from_error(done.error(), rid);
    const int ttl =
        (*challenge)->remember_me ? s.config.tokens.remember_me_ttl : s.config.tokens.session_ttl;
    auto issued = sessions::create_session(s.db, {(*user)->id, ttl, {"pwd", "otp"}, origin});
    if (!issued) return http::from_error(issued.error(), rid);
    done = accounts::record_login(s.db, (*user)->id);
    if (done) {
        done = audit::record(s.db, "login", (*user)->id, origin,
                             "{\"session_id\":\"" + issued->session.id + "\",\"mfa\":true}");
    }
    if (done) done = tx->commit();
    if (!done) return http::from_error(done.error(), rid);
    accounts::User u = std::move(**user);
    u.last_login_at = issued->session.created_at;
    return token_response(s, u, issued->session, issued->refresh_token, (*challenge)->set_cookie,
                          call.request);
}

http::Response regenerate_backup_codes(Services& s, const Call& call) {
    const std::string& rid = call.request.request_id;
    auto caller = authenticate(s, call.request);
    if (!caller) return http::error_response(caller.error(), rid);
    auto form = forms::parse_code(call.body.root());
    if (!form) return http::error_response(form.error(), rid);
    const std::string& user_id = caller->claims.user_id;
    auto tx = begin_as_caller(s, *caller, rid);
    if (!tx) return tx.error();
    if (auto refused = check_active_factor(s, user_id, form->code, false, rid)) return *refused;
    Result<void> done;
    std::vector<std::string> codes = issue_backup_codes(s, user_id, done);
    if (done) {
        done = audit::record(s.db, "mfa_backup_codes_regenerated", user_id,
                             audit_origin(call.request));
    }
    if (done) done = tx->commit();
    if (!done) return http::from_error(done.error(), rid);
    json::Writer w;
    w.begin_object();
    write_codes(w, codes);
    w.end_object();
    return http::json_response(200, std::move(w).str());
}

http::Response disable_mfa(Services& s, const Call& call) {
    const std::string& rid = call.request.request_id;
    auto caller = authenticate(s, call.request);
    if (!caller) return http::error_response(caller.error(), rid);
    auto form = forms::parse_password_code(call.body.root());
    if (!form) return http::error_response(form.error(), rid);
    const std::string& user_id = caller->claims.user_id;
    auto user = accounts::find_user_by_id(s.db, user_id);
    if (!user) return http::from_error(user.error(), rid);
    if (!*user || !(*user)->mfa_enabled) return not_enabled(rid);
    if (!crypto::verify_password(form->password, (*user)->password_hash)) {
        return wrong_password("wrong_password", rid);
    }
    auto tx = begin_as_caller(s, *caller, rid);
    if (!tx) return tx.error();
    if (auto refused = check_active_factor(s, user_id, form->code, true, rid)) return *refused;
    Result<void> done = mfa::disable_mfa(s.db, user_id);
    if (done) done = audit::record(s.db, "mfa_disabled", user_id, audit_origin(call.request));
    if (done) {
        done = mail::enqueue(s.db, s.keys, "mfa_disabled", (*user)->email,
                             {{"first_name", (*user)->first_name}});
    }
    if (done) done = tx->commit();
    if (!done) return http::from_error(done.error(), rid);
    json::Writer w;
    w.begin_object();
    w.key("mfaEnabled").boolean(false);
    w.end_object();
    return http::json_response(200, std::move(w).str());
}

}  // namespace authd::api
