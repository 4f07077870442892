// api/login_api.cpp
//
// The JSON door to signing in and out: the rules of the password step
// (lockout, timing equalisation, audit) are login/password_login's; this
// file parses the body and says the outcome in the contract's words.
#include "api/login_api.h"

#include <variant>

#include "accounts/user_store.h"
#include "api/answers.h"
#include "api/audit_origin.h"
#include "api/auth.h"
#include "api/mfa_api.h"
#include "api/services.h"
#include "api/session_cookies.h"
#include "api/token_response.h"
#include "audit/audit.h"
#include "core/overloaded.h"
#include "crypto/password.h"
#include "forms/requests.h"
#include "http/cookie.h"
#include "login/outcome_metrics.h"
#include "login/password_login.h"

namespace authd::api {
namespace {

Unexpected<http::ApiError> invalid_credentials(std::string reason) {
    return refuse(401, "INVALID_CREDENTIALS", "invalid email or password", std::move(reason));
}

Unexpected<http::ApiError> invalid_refresh(std::string reason) {
    return refuse(401, "INVALID_REFRESH_TOKEN", "the refresh token is not valid",
                  std::move(reason));
}

}  // namespace

Answer login(Services& s, const Call& call) {
    // The per-IP limit was counted by the dispatcher (api/routes.h).
    auto form = forms::parse_login(call.body.root());
    if (!form) return invalid(form.error());
    login::Context ctx = s.login_context();
    auto tx = db::Transaction::begin(s.db);
    if (!tx) return failure(tx.error());
    auto outcome = login::password_login(
        ctx, *tx, {form->email, form->password, form->remember_me, form->set_cookie},
        audit_origin(call.request));
    if (!outcome) return failure(outcome.error());
    if (auto r = tx->commit(); !r) return failure(r.error());
    login::count_outcome(*outcome);
    return std::visit(
        Overloaded{
            [&](const login::Locked& l) -> Answer { return account_locked(l.retry_after); },
            [&](const login::BadCredentials& b) -> Answer { return invalid_credentials(b.reason); },
            [&](const login::EmailNotVerified&) -> Answer {
                http::ApiError e{403, "EMAIL_NOT_VERIFIED",
                                 "verify your email address before logging in"};
                e.log_reason = "email_not_verified";
                return refuse(e);
            },
            [&](const login::AccountDisabled&) -> Answer { return account_disabled(); },
            [&](const login::PasswordResetRequired&) -> Answer {
                return password_reset_required();
            },
            [&](const login::SecondFactorNeeded& n) -> Answer {
                return mfa_challenge(s.config, n.challenge);
            },
            [&](const login::SignedIn& in) -> Answer {
                return token_response(s, in.user, in.issued.session, in.issued.refresh_token,
                                      form->set_cookie, call.request);
            },
        },
        *outcome);
}

Result<Refreshed, http::ApiError> rotate_refresh(Services& s, std::string_view token,
                                                 const http::Request& request) {
    auto rotation = sessions::rotate_refresh_token(s.db, token, s.config.tokens.refresh_grace,
                                                   audit_origin(request));
    if (!rotation) return failure(rotation.error());
    switch (rotation->outcome) {
        case sessions::RotateOutcome::invalid:
            return invalid_refresh("unknown_or_dead");
        case sessions::RotateOutcome::reuse_revoked:
            return invalid_refresh("reuse_detected_session_revoked");
        case sessions::RotateOutcome::rotated:
            break;
    }
    auto user = accounts::find_user_by_id(s.db, rotation->session.user_id);
    if (!user) return failure(user.error());
    if (!*user) return invalid_refresh("user_gone");
    // A disable revoked the session (login/account_state.h); this refuses a
    // rotation that got in first as a revoked one too.
    if ((*user)->disabled()) return invalid_refresh("account_disabled");
    return Refreshed{std::move(**user), std::move(*rotation)};
}

Answer refresh(Services& s, const Call& call) {
    auto form = forms::parse_refresh(call.body.root());
    if (!form) return invalid(form.error());
    std::optional<std::string> token = form->refresh_token;
    if (!token) {
        token = http::find_cookie(call.request, kRefreshCookie);
        if (token) {
            if (auto refused = check_cookie_origin(s.config, call.request)) {
                return refuse(*refused);
            }
        }
    }
    if (!token || token->empty()) {
        return invalid({{{"refreshToken", "is required"}}});
    }
    auto rotated = rotate_refresh(s, *token, call.request);
    if (!rotated) return Unexpected{rotated.error()};
    const auto& rotation = rotated->rotation;
    Answer r = token_response(s, rotated->user, rotation.session, rotation.refresh_token,
                              form->set_cookie, call.request);
    if (r && rotation.in_grace) r->log_reason = "grace_window_reuse";
    return r;
}

Answer logout(Services& s, const Call& call) {
    auto caller = authenticate(s, call.request);
    if (!caller) return refuse(caller.error());
    auto form = forms::parse_logout(call.body.root());
    if (!form) return invalid(form.error());
    const std::string& user_id = caller->claims.user_id;

    auto tx = db::Transaction::begin(s.db);
    if (!tx) return failure(tx.error());
    // The account's row before its sessions (accounts/user_store.h).
    if (auto user = accounts::lock_user(*tx, user_id); !user) return failure(user.error());
    if (form->all_devices) {
        if (auto r = sessions::revoke_all_sessions(*tx, user_id, "logout_all"); !r) {
            return failure(r.error());
        }
    } else if (auto r = sessions::revoke_session(*tx, caller->session.id, user_id, "logout"); !r) {
        return failure(r.error());
    }
    if (form->refresh_token) {
        // The refresh token's session too, when it is the caller's own.
        auto sid = sessions::session_of_refresh_token(s.db, *form->refresh_token);
        if (!sid) return failure(sid.error());
        if (*sid) {
            if (auto r = sessions::revoke_session(*tx, **sid, user_id, "logout"); !r) {
                return failure(r.error());
            }
        }
    }
    if (auto r =
            audit::record(s.db, form->all_devices ? "logout_all" : "logout", user_id,
                          audit_origin(call.request), audit::session_detail(caller->session.id));
        !r) {
        return failure(r.error());
    }
    if (auto r = tx->commit(); !r) return failure(r.error());
    http::Response done = http::no_content();
    clear_cookies(done);
    return done;
}

}  // namespace authd::api
