// api/mfa_api.cpp
//
// The login's code step (mfa/verify) is login/second_factor's use case;
// this file says its outcome in the contract's words, and holds the
// signed-in user's own 2FA changes (setup, verify-setup, backup codes,
// disable), whose codes are checked by the same login::check_second_factor
// (TOTP steps consumed atomically, so a code works once).
//
// Turning 2FA on ends every other session of the user, as a password
// change does: a session that signed in with the password alone must not
// outlive the second factor.  The enrolling session goes on, and counts
// as having proved the second factor (mfa/session_proof.h): only such a
// session may then manage the 2FA (backup codes, disable), else 403
// MFA_REQUIRED.
#include "api/mfa_api.h"

#include "accounts/lockout.h"
#include "api/answers.h"
#include "api/audit_origin.h"
#include "api/auth.h"
#include "api/services.h"
#include "api/token_response.h"
#include "audit/audit.h"
#include "core/log.h"
#include "core/overloaded.h"
#include "crypto/encoding.h"
#include "crypto/password.h"
#include "crypto/totp.h"
#include "forms/requests.h"
#include "json/writer.h"
#include "login/outcome_metrics.h"
#include "login/recheck.h"
#include "login/second_factor.h"
#include "mail/outbox.h"
#include "mfa/backup_codes.h"
#include "mfa/challenge_store.h"
#include "mfa/mfa_store.h"
#include "mfa/qr_png.h"
#include "mfa/session_proof.h"
#include "sessions/session_store.h"

namespace authd::api {
namespace {

Unexpected<http::ApiError> mfa_error(int status, std::string_view code, std::string_view message,
                                     std::string reason) {
    return refuse(status, code, std::string(message), std::move(reason));
}

Unexpected<http::ApiError> wrong_code(int status) {
    return mfa_error(status, "INVALID_MFA_CODE", "the code is not valid", "wrong_mfa_code");
}

Unexpected<http::ApiError> not_enabled() {
    return mfa_error(409, "MFA_NOT_ENABLED", "two-factor authentication is not enabled",
                     "mfa_not_enabled");
}

Unexpected<http::ApiError> internal(const Error& error) {
    // A secret that does not open is an alert, never "2FA off".
    log::error("mfa_alert").str("reason", error.detail);
    return failure(error);
}

// The active secret, for managing it: 409 MFA_NOT_ENABLED when 2FA is
// off, 403 MFA_REQUIRED when the caller's session has not proved the
// second factor (checked before any secret, so such a session cannot
// guess at the password or the code here either).
Result<mfa::StoredSecret, http::ApiError> secret_to_manage(Services& s, const Caller& caller) {
    auto stored = mfa::load_secret(s.db, s.keys, caller.claims.user_id);
    if (!stored) return internal(stored.error());
    if (!*stored || (*stored)->pending) return not_enabled();
    if (!mfa::session_proved_second_factor(caller.session.amr, caller.session.id,
                                           (*stored)->enrolling_session)) {
        return mfa_error(403, "MFA_REQUIRED",
                         "sign in with your second factor to manage two-factor authentication",
                         "second_factor_not_proven");
    }
    return std::move(**stored);
}

// For the signed-in user's own 2FA changes: success when `code` is a valid
// (and now consumed) second factor of the active `secret`, else the
// refusal; a wrong code counts toward the lockout (login/recheck.h).
Result<void, http::ApiError> check_active_factor(Services& s, db::Transaction& tx,
                                                 const accounts::User& user, const Secret& secret,
                                                 std::string_view code, bool allow_backup,
                                                 const audit::Origin& origin) {
    login::Context ctx = s.login_context();
    return recheck_verdict(
        tx, login::recheck_second_factor(ctx, tx, user, secret, code, allow_backup, origin),
        wrong_code(401));
}

std::vector<std::string> issue_backup_codes(Services& s, db::Transaction& tx,
                                            const std::string& user_id, Result<void>& status) {
    std::vector<std::string> shown = mfa::new_backup_codes();
    std::vector<std::string> canonical;
    canonical.reserve(shown.size());
    for (const auto& c : shown) canonical.push_back(*mfa::normalize_backup_code(c));
    status = mfa::replace_backup_codes(tx, s.keys.hmac_key(), user_id, canonical);
    return shown;
}

void write_codes(json::Writer& w, const std::vector<std::string>& codes) {
    w.key("backupCodes").begin_array();
    for (const auto& c : codes) w.string(c);
    w.end_array();
}

}  // namespace

Result<PendingSetup> start_mfa_setup(Services& s, db::Transaction& tx, const accounts::User& user,
                                     const audit::Origin& origin) {
    Secret secret(crypto::new_totp_secret());
    PendingSetup out;
    out.secret_base32 = crypto::base32_encode(secret.reveal());
    out.otpauth_uri = mfa::otpauth_uri(s.config.mfa.issuer, user.email, out.secret_base32);
    if (auto r = mfa::save_pending_secret(tx, s.keys, user.id, secret); !r) {
        return Unexpected{r.error()};
    }
    if (auto r = audit::record(s.db, "mfa_setup_started", user.id, origin); !r) {
        return Unexpected{r.error()};
    }
    return out;
}

Answer setup_mfa(Services& s, const Call& call) {
    auto caller = authenticate(s, call.request);
    if (!caller) return refuse(caller.error());
    const std::string& user_id = caller->claims.user_id;
    // The per-user limit was counted by the dispatcher (api/routes.h).
    auto form = forms::parse_password(call.body.root());
    if (!form) return invalid(form.error());
    auto user = accounts::find_user_by_id(s.db, user_id);
    if (!user) return failure(user.error());
    if (!*user) return wrong_password("wrong_password");
    if ((*user)->mfa_enabled) {
        return mfa_error(409, "MFA_ALREADY_ENABLED", "two-factor authentication is already on",
                         "mfa_already_enabled");
    }
    auto tx = begin_as_caller(s, *caller);
    if (!tx) return Unexpected{tx.error()};
    // NB: the password again, so a stolen access token cannot enrol the
    // thief's authenticator; it counts toward the lockout.
    if (auto ok = check_password_again(s, *tx, **user, form->password, audit_origin(call.request));
        !ok) {
        return Unexpected{ok.error()};
    }
    const audit::Origin origin = audit_origin(call.request);
    auto pending = start_mfa_setup(s, *tx, **user, origin);
    if (!pending) return failure(pending.error());
    auto png = mfa::qr_png(pending->otpauth_uri);
    if (!png) return failure(png.error());
    if (auto r = tx->commit(); !r) return failure(r.error());

    json::Writer w;
    w.begin_object();
    w.key("secret").string(pending->secret_base32);
    w.key("otpauthUri").string(pending->otpauth_uri);
    w.key("qrCode").string(mfa::png_data_uri(*png));
    w.end_object();
    return http::json_response(200, std::move(w).str());
}

Answer verify_mfa_setup(Services& s, const Call& call) {
    auto caller = authenticate(s, call.request);
    if (!caller) return refuse(caller.error());
    auto form = forms::parse_code(call.body.root());
    if (!form) return invalid(form.error());
    const std::string& user_id = caller->claims.user_id;
    auto not_pending = [] {
        return mfa_error(409, "MFA_NOT_PENDING", "no two-factor setup is waiting to be verified",
                         "mfa_not_pending");
    };
    auto user = accounts::find_user_by_id(s.db, user_id);
    if (!user) return failure(user.error());
    if (!*user) return not_pending();

    auto tx = begin_as_caller(s, *caller);
    if (!tx) return Unexpected{tx.error()};
    auto stored = mfa::load_secret(s.db, s.keys, user_id);
    if (!stored) return internal(stored.error());
    if (!*stored || !(*stored)->pending) return not_pending();
    auto step = crypto::match_totp((*stored)->secret.reveal(), form->code, unix_now());
    if (!step) return wrong_code(400);

    // Verifying the setup consumes its time step too.
    auto accepted = mfa::accept_step(*tx, user_id, *step, true);
    if (!accepted) return failure(accepted.error());
    if (!*accepted) return wrong_code(400);
    // NB: begin_as_caller holds the account's users row, which a password
    // login locks before it reads whether 2FA is on: a login that read
    // "off" has committed its session by now, and is ended here; a later
    // one reads "on" and answers with a challenge.
    if (auto r = mfa::record_enrolling_session(*tx, user_id, caller->session.id); !r) {
        return failure(r.error());
    }
    auto ended = sessions::revoke_all_sessions(*tx, user_id, "mfa_enabled", caller->session.id);
    if (!ended) return failure(ended.error());
    Result<void> done;
    std::vector<std::string> codes = issue_backup_codes(s, *tx, user_id, done);
    if (done) {
        const std::string count = std::to_string(*ended);
        done = audit::record(
            s.db, "mfa_enabled", user_id, audit_origin(call.request),
            audit::detail({{"session_id", caller->session.id}, {"sessions_revoked", count}}));
    }
    if (done) {
        done = mail::enqueue(*tx, s.keys, "mfa_enabled", (*user)->email,
                             {{"first_name", (*user)->first_name}});
    }
    if (done) done = tx->commit();
    if (!done) return failure(done.error());

    json::Writer w;
    w.begin_object();
    w.key("mfaEnabled").boolean(true);
    write_codes(w, codes);
    w.end_object();
    return http::json_response(200, std::move(w).str());
}

http::Response mfa_challenge(const Config& config, const Secret& session_token) {
    json::Writer w;
    w.begin_object();
    w.key("mfaRequired").boolean(true);
    w.key("sessionToken").string(session_token.reveal());
    w.key("tokenType").string("Bearer");
    w.key("sessionExpiresIn").number(config.mfa.challenge_ttl);
    w.end_object();
    http::Response r = http::json_response(200, std::move(w).str());
    r.log_reason = "mfa_challenge";
    return r;
}

Answer complete_mfa_login(Services& s, const Call& call) {
    auto form = forms::parse_mfa_login(call.body.root());
    if (!form) return invalid(form.error());
    login::Context ctx = s.login_context();
    auto tx = db::Transaction::begin(s.db);
    if (!tx) return failure(tx.error());
    auto outcome = login::second_factor_login(ctx, *tx, form->session_token, form->code,
                                              audit_origin(call.request));
    if (!outcome) return failure(outcome.error());
    if (auto r = tx->commit(); !r) return failure(r.error());
    login::count_outcome(*outcome);
    return std::visit(
        Overloaded{
            [&](const login::ChallengeDead& d) -> Answer {
                return mfa_error(401, "MFA_SESSION_EXPIRED",
                                 "the MFA session has expired; log in again", d.reason);
            },
            [&](const login::Locked& l) -> Answer { return account_locked(l.retry_after); },
            [&](const login::AccountDisabled&) -> Answer { return account_disabled(); },
            [&](const login::WrongCode&) -> Answer { return wrong_code(401); },
            [&](const login::SignedInWithSecondFactor& in) -> Answer {
                return token_response(s, in.signed_in.user, in.signed_in.issued.session,
                                      in.signed_in.issued.refresh_token, in.set_cookie,
                                      call.request);
            },
        },
        *outcome);
}

Answer regenerate_backup_codes(Services& s, const Call& call) {
    auto caller = authenticate(s, call.request);
    if (!caller) return refuse(caller.error());
    auto form = forms::parse_code(call.body.root());
    if (!form) return invalid(form.error());
    const std::string& user_id = caller->claims.user_id;
    auto user = accounts::find_user_by_id(s.db, user_id);
    if (!user) return failure(user.error());
    if (!*user || !(*user)->mfa_enabled) return not_enabled();
    auto tx = begin_as_caller(s, *caller);
    if (!tx) return Unexpected{tx.error()};
    auto secret = secret_to_manage(s, *caller);
    if (!secret) return Unexpected{secret.error()};
    if (auto checked = check_active_factor(s, *tx, **user, secret->secret, form->code, false,
                                           audit_origin(call.request));
        !checked) {
        return Unexpected{checked.error()};
    }
    Result<void> done;
    std::vector<std::string> codes = issue_backup_codes(s, *tx, user_id, done);
    if (done) {
        done = audit::record(s.db, "mfa_backup_codes_regenerated", user_id,
                             audit_origin(call.request));
    }
    if (done) done = tx->commit();
    if (!done) return failure(done.error());
    json::Writer w;
    w.begin_object();
    write_codes(w, codes);
    w.end_object();
    return http::json_response(200, std::move(w).str());
}

Answer disable_mfa(Services& s, const Call& call) {
    auto caller = authenticate(s, call.request);
    if (!caller) return refuse(caller.error());
    auto form = forms::parse_password_code(call.body.root());
    if (!form) return invalid(form.error());
    const std::string& user_id = caller->claims.user_id;
    auto user = accounts::find_user_by_id(s.db, user_id);
    if (!user) return failure(user.error());
    if (!*user || !(*user)->mfa_enabled) return not_enabled();
    auto tx = begin_as_caller(s, *caller);
    if (!tx) return Unexpected{tx.error()};
    const audit::Origin origin = audit_origin(call.request);
    auto secret = secret_to_manage(s, *caller);
    if (!secret) return Unexpected{secret.error()};
    if (auto ok = check_password_again(s, *tx, **user, form->password, origin); !ok) {
        return Unexpected{ok.error()};
    }
    if (auto checked =
            check_active_factor(s, *tx, **user, secret->secret, form->code, true, origin);
        !checked) {
        return Unexpected{checked.error()};
    }
    Result<void> done = mfa::disable_mfa(*tx, user_id);
    if (done) done = audit::record(s.db, "mfa_disabled", user_id, audit_origin(call.request));
    if (done) {
        done = mail::enqueue(*tx, s.keys, "mfa_disabled", (*user)->email,
                             {{"first_name", (*user)->first_name}});
    }
    if (done) done = tx->commit();
    if (!done) return failure(done.error());
    json::Writer w;
    w.begin_object();
    w.key("mfaEnabled").boolean(false);
    w.end_object();
    return http::json_response(200, std::move(w).str());
}

}  // namespace authd::api
