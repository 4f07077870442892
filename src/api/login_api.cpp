// api/login_api.cpp
//
// Login answers an unknown email exactly like a wrong password: same body,
// and the same work (an Argon2 verification against a dummy hash made with
// the current parameters), so neither the answer nor its timing tells which
// emails are registered.  Only after a correct password does it reveal that
// the email is not verified yet.
#include "api/login_api.h"

#include "accounts/user_store.h"
#include "api/audit_origin.h"
#include "api/auth.h"
#include "api/credentials.h"
#include "api/mfa_api.h"
#include "api/services.h"
#include "api/token_response.h"
#include "audit/audit.h"
#include "crypto/password.h"
#include "forms/requests.h"
#include "http/cookie.h"

namespace authd::api {
namespace {

http::Response invalid_credentials(std::string reason, std::string_view rid) {
    http::ApiError e{401, "INVALID_CREDENTIALS", "invalid email or password"};
    e.log_reason = std::move(reason);
    return http::error_response(e, rid);
}

http::Response invalid_refresh(std::string reason, std::string_view rid) {
    http::ApiError e{401, "INVALID_REFRESH_TOKEN", "the refresh token is not valid"};
    e.log_reason = std::move(reason);
    return http::error_response(e, rid);
}

}  // namespace

http::Response login(Services& s, const Call& call) {
    const std::string& rid = call.request.request_id;
    // The per-IP limit was counted by the dispatcher (api/routes.h).
    auto form = forms::parse_login(call.body.root());
    if (!form) return http::error_response(form.error(), rid);
    const audit::Origin origin = audit_origin(call.request);
    const std::string subject = accounts::lockout_subject(s.keys.hmac_key(), form->email);

    // The lockout row stays locked until commit: attempts on one account
    // are serialised, so the count is exact under concurrency.
    auto tx = db::Transaction::begin(s.db);
    if (!tx) return http::from_error(tx.error(), rid);
    auto lock = accounts::lock_state(s.db, subject);
    if (!lock) return http::from_error(lock.error(), rid);
    if (lock->locked) {
        if (auto r = tx->commit(); !r) return http::from_error(r.error(), rid);
        return account_locked(lock->retry_after, rid);
    }
    auto found = accounts::find_user_by_email(s.db, form->email);
    if (!found) return http::from_error(found.error(), rid);

    // NB: verify even when the account is unknown (against dummy_hash), so
    // the response time does not reveal which emails are registered.
    const bool password_ok =
        crypto::verify_password(form->password, *found ? (*found)->password_hash : s.dummy_hash);
    if (!*found || !password_ok) {
        const char* reason = *found ? "wrong_password" : "unknown_email";
        const accounts::User* user = *found ? &**found : nullptr;
        if (auto r = count_failure(s, subject, user, origin); !r) {
            return http::from_error(r.error(), rid);
        }
        if (auto r = audit::record(s.db, "login_failed",
                                   user ? std::optional<std::string>(user->id) : std::nullopt,
                                   origin, std::string("{\"reason\":\"") + reason + "\"}");
            !r) {
            return http::from_error(r.error(), rid);
        }
        if (auto r = tx->commit(); !r) return http::from_error(r.error(), rid);
        return invalid_credentials(reason, rid);
    }
    accounts::User user = std::move(**found);
    // NB: with 2FA on, the right password alone does not reset the failure
    // count, or password logins could launder guesses at the code.
    if (!user.mfa_enabled) {
        if (auto r = accounts::clear_failures(s.db, subject); !r) {
            return http::from_error(r.error(), rid);
        }
    }
    if (!user.email_verified) {
        if (auto r = tx->commit(); !r) return http::from_error(r.error(), rid);
        http::ApiError e{403, "EMAIL_NOT_VERIFIED", "verify your email address before logging in"};
        e.log_reason = "email_not_verified";
        return http::error_response(e, rid);
    }
    if (crypto::needs_rehash(user.password_hash, s.argon2)) {
        if (auto h = crypto::hash_password(form->password, s.argon2)) {
            // Over the hash just checked only: a password change that
            // committed meanwhile is not undone by re-hashing the old one.
            auto replaced = accounts::replace_password_hash(s.db, user.id, user.password_hash, *h);
            if (replaced && *replaced) user.password_hash = std::move(*h);
        }
    }
    if (user.mfa_enabled) return begin_mfa_challenge(s, *tx, user, *form, rid);
    const int ttl =
        form->remember_me ? s.config.tokens.remember_me_ttl : s.config.tokens.session_ttl;
    auto issued = sessions::create_session(s.db, {user.id, ttl, {"pwd"}, origin});
    if (!issued) return http::from_error(issued.error(), rid);
    if (auto r = accounts::record_login(s.db, user.id); !r) return http::from_error(r.error(), rid);
    if (auto r = audit::record(s.db, "login", user.id, origin,
                               "{\"session_id\":\"" + issued->session.id + "\"}");
        !r) {
        return http::from_error(r.error(), rid);
    }
    if (auto r = tx->commit(); !r) return http::from_error(r.error(), rid);
    // The login and the session share the transaction's timestamp.
    user.last_login_at = issued->session.created_at;
    return token_response(s, user, issued->session, issued->refresh_token, form->set_cookie,
                          call.request);
}

http::Response refresh(Services& s, const Call& call) {
    const std::string& rid = call.request.request_id;
    auto form = forms::parse_refresh(call.body.root());
    if (!form) return http::error_response(form.error(), rid);
    std::optional<std::string> token = form->refresh_token;
    if (!token) {
        token = http::find_cookie(call.request, kRefreshCookie);
        if (token) {
            if (auto refused = check_cookie_origin(s.config, call.request)) {
                return http::error_response(*refused, rid);
            }
        }
    }
    if (!token || token->empty()) {
        return http::error_response(forms::validation_error({{"refreshToken", "is required"}}),
                                    rid);
    }
    auto rotation = sessions::rotate_refresh_token(s.db, *token, s.config.tokens.refresh_grace,
                                                   audit_origin(call.request));
    if (!rotation) return http::from_error(rotation.error(), rid);
    switch (rotation->outcome) {
        case sessions::RotateOutcome::invalid:
            return invalid_refresh("unknown_or_dead", rid);
        case sessions::RotateOutcome::reuse_revoked:
            return invalid_refresh("reuse_detected_session_revoked", rid);
        case sessions::RotateOutcome::rotated:
            break;
    }
    auto user = accounts::find_user_by_id(s.db, rotation->session.user_id);
    if (!user) return http::from_error(user.error(), rid);
    if (!*user) return invalid_refresh("user_gone", rid);
    http::Response r = token_response(s, **user, rotation->session, rotation->refresh_token,
                                      form->set_cookie, call.request);
    if (rotation->in_grace) r.log_reason = "grace_window_reuse";
    return r;
}

http::Response logout(Services& s, const Call& call) {
    const std::string& rid = call.request.request_id;
    auto caller = authenticate(s, call.request);
    if (!caller) return http::error_response(caller.error(), rid);
    auto form = forms::parse_logout(call.body.root());
    if (!form) return http::error_response(form.error(), rid);
    const std::string& user_id = caller->claims.user_id;

    auto tx = db::Transaction::begin(s.db);
    if (!tx) return http::from_error(tx.error(), rid);
    if (form->all_devices) {
        if (auto r = sessions::revoke_all_sessions(s.db, user_id, "logout_all"); !r) {
            return http::from_error(r.error(), rid);
        }
    } else if (auto r = sessions::revoke_session(s.db, caller->session.id, user_id, "logout"); !r) {
        return http::from_error(r.error(), rid);
    }
    if (form->refresh_token) {
        // The refresh token's session too, when it is the caller's own.
        auto sid = sessions::session_of_refresh_token(s.db, *form->refresh_token);
        if (!sid) return http::from_error(sid.error(), rid);
        if (*sid) {
            if (auto r = sessions::revoke_session(s.db, **sid, user_id, "logout"); !r) {
                return http::from_error(r.error(), rid);
            }
        }
    }
    if (auto r = audit::record(s.db, form->all_devices ? "logout_all" : "logout", user_id,
                               audit_origin(call.request),
                               "{\"session_id\":\"" + caller->session.id + "\"}");
        !r) {
        return http::from_error(r.error(), rid);
    }
    if (auto r = tx->commit(); !r) return http::from_error(r.error(), rid);
    http::Response done = http::no_content();
    clear_cookies(done);
    return done;
}

}  // namespace authd::api
