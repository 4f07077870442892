// api/login_page.cpp
//
// The form is a second front door to the sign-in use cases (login/): it
// calls them as the JSON API does and says their outcomes as pages and
// redirects.  The cookies are token_response()'s, the JSON API's own.
#include "api/login_page.h"

#include <charconv>
#include <optional>
#include <variant>

#include "accounts/user_store.h"
#include "api/answers.h"
#include "api/audit_origin.h"
#include "api/auth.h"
#include "api/limits.h"
#include "api/services.h"
#include "api/session_cookies.h"
#include "api/token_response.h"
#include "core/html_escape.h"
#include "core/human_duration.h"
#include "core/log.h"
#include "core/overloaded.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "forms/email.h"
#include "http/cookie.h"
#include "http/redirect.h"
#include "login/outcome_metrics.h"
#include "login/password_login.h"
#include "login/second_factor.h"
#include "sessions/session_store.h"

namespace authd::api {
namespace {

// For this long after a resume (the life of kResumedCookie) /login does
// not resume again: a browser back so soon means the app's host is not
// getting the access cookie, and another round would only loop.
constexpr long kResumeGuardSeconds = 3;
constexpr std::string_view kResumedCookie = "__Secure-authd_resumed";

// Holds no secret ("1"), only the hint that a refresh cookie lives as long:
// /login (its Path) then sends the browser through /auth/refresh/resume,
// where the refresh cookie's Path lets it be read.  Set by the browser
// endpoints only, so the JSON API's cookies stay the contract's two.
constexpr std::string_view kResumeCookie = "__Secure-authd_resume";

void set_resume_cookie(http::Response& r, long max_age) {
    r.add_header("Set-Cookie", http::set_cookie_value({.name = kResumeCookie,
                                                       .value = max_age > 0 ? "1" : "",
                                                       .path = "/login",
                                                       .same_site = "Lax",
                                                       .max_age = max_age}));
}

// The Set-Cookie headers of token_response()'s answer, and the resume hint with
// them: as long-lived as the refresh cookie among them (the session's
// remaining life), or none when there is no refresh cookie.
void pass_cookies(const http::Response& answer, http::Response& r) {
    constexpr std::string_view kMaxAge = "; Max-Age=";
    for (const auto& [name, value] : answer.headers) {
        if (name != "Set-Cookie") continue;
        r.add_header(name, value);
        const size_t at = value.find(kMaxAge);
        if (value.starts_with(kRefreshCookie) && at != std::string::npos) {
            long max_age = 0;
            const char* digits = value.data() + at + kMaxAge.size();
            std::from_chars(digits, value.data() + value.size(), max_age);
            set_resume_cookie(r, max_age);
        }
    }
}

// The only script: without the resume hint, try the refresh cookie once
// (same-origin, so SameSite=Strict does not withhold it) and go on to rd.
constexpr std::string_view kScript =
    "(function () {\n"
    "  var root = document.documentElement;\n"
    "  var rd = root.getAttribute(\"data-resume\");\n"
    "  if (!rd) return;\n"
    "  fetch(\"/auth/refresh\", {method: \"POST\", credentials: \"same-origin\",\n"
    "    headers: {\"Content-Type\": \"application/json\"}, body: '{\"setCookie\":true}'})\n"
    "    .then(function (r) {\n"
    "      if (r.ok) location.replace(\"/auth/redirect?rd=\" + encodeURIComponent(rd));\n"
    "    }, function () {});\n"
    "})();\n";

constexpr std::string_view kStyle =
    "body{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem;"
    "color:#1d1d1f}"
    "label{display:block;margin:.9rem 0 .25rem}"
    "input[type=email],input[type=password],input[type=text]{width:100%;padding:.55rem;"
    "box-sizing:border-box;font-size:1rem}"
    ".check{display:flex;gap:.5rem;align-items:center}"
    "button{margin-top:1.2rem;padding:.6rem 1.4rem;font-size:1rem}"
    ".error{color:#b00020}.notice{background:#fff4e5;border:1px solid #f0b35a;padding:.6rem .8rem}";

// What one rendering of the page shows.
struct Page {
    std::string rd;             // allowed, or empty
    std::string email;          // to fill in again after a failure
    std::string error;          // role=alert
    std::string notice;         // a standing warning (plain HTTP)
    std::string session_token;  // non-empty: the code step
    bool try_refresh = false;   // let the script try the refresh cookie
    int remember_days = 30;
};

std::string render(const Page& p) {
    std::string h;
    h += "<!DOCTYPE html>\n<html lang=\"en\"";
    if (p.try_refresh) h += " data-resume=\"" + html_escape(p.rd) + "\"";
    h += "><head><meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>Sign in</title>\n<style>";
    h += kStyle;
    h += "</style></head><body>\n<main>\n<h1>Sign in</h1>\n";
    if (!p.notice.empty()) h += "<p class=\"notice\" role=\"status\">" + p.notice + "</p>\n";
    h += "<p id=\"error\" class=\"error\" role=\"alert\">" + html_escape(p.error) + "</p>\n";
    const std::string rd =
        "<input type=\"hidden\" name=\"rd\" value=\"" + html_escape(p.rd) + "\">\n";
    if (p.session_token.empty()) {
        h += "<form id=\"password-step\" method=\"post\" action=\"/login\">\n" + rd;
        h += "<label for=\"email\">Email</label><input id=\"email\" name=\"email\" type=\"email\" "
             "autocomplete=\"username\" required value=\"" +
             html_escape(p.email) + "\"" + (p.email.empty() ? " autofocus" : "") + ">\n";
        h += "<label for=\"password\">Password</label><input id=\"password\" name=\"password\" "
             "type=\"password\" autocomplete=\"current-password\" required" +
             std::string(p.email.empty() ? "" : " autofocus") + ">\n";
        h += "<label class=\"check\"><input id=\"remember\" name=\"rememberMe\" type=\"checkbox\" "
             "value=\"true\"> Keep me signed in for " +
             std::to_string(p.remember_days) + " days</label>\n";
        h += "<button type=\"submit\">Sign in</button>\n</form>\n";
        // The portal's other pages (web/, served by nginx).
        h += "<p><a href=\"/forgot\">Forgot your password?</a> &middot; "
             "<a href=\"/signup\">Create an account</a></p>\n";
    } else {
        h += "<form id=\"code-step\" method=\"post\" action=\"/login\">\n" + rd;
        h += "<input type=\"hidden\" name=\"sessionToken\" value=\"" +
             html_escape(p.session_token) + "\">\n";
        h += "<label for=\"code\">Authentication code (or a backup code)</label><input id=\"code\" "
             "name=\"code\" type=\"text\" autocomplete=\"one-time-code\" required autofocus>\n";
        h += "<button type=\"submit\">Verify</button>\n</form>\n";
    }
    h += "</main>\n<script>";
    h += kScript;
    h += "</script>\n</body></html>\n";
    return h;
}

// Only the page's own script and style may apply, named by their hashes
// (no 'unsafe-inline': an injected <style> or style attribute does
// nothing), and nothing may frame the page.  Both pages carry kStyle, as
// the whole text of their one <style> element.  No form-action: a
// signed-in form POST is redirected to rd on an app's host, and browsers
// hold redirects of a form submission to form-action too.
const std::string& content_security_policy() {
    static const std::string policy =
        "default-src 'none'; script-src 'sha256-" + crypto::base64_encode(crypto::sha256(kScript)) +
        "'; style-src 'sha256-" + crypto::base64_encode(crypto::sha256(kStyle)) +
        "'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";
    return policy;
}

http::Response html_response(int status, std::string body) {
    http::Response r;
    r.status = status;
    r.content_type = "text/html; charset=utf-8";
    r.body = std::move(body);
    r.add_header("Content-Security-Policy", content_security_policy());
    r.add_header("X-Frame-Options", "DENY");
    return r;
}

std::string allowed_rd(const Services& s, std::string_view rd) {
    return !rd.empty() && http::redirect_allowed(rd, s.config.http.redirect_hosts) ? std::string(rd)
                                                                                   : std::string();
}

Page blank_page(const Services& s, const http::Request& request, std::string rd) {
    Page p;
    p.rd = std::move(rd);
    p.remember_days = s.config.tokens.remember_me_ttl / 86400;
    if (!secure_for_cookies(request)) {
        p.notice =
            "This page was served over plain HTTP, where your browser will not keep the "
            "sign-in cookie. Open it with <strong>https://</strong>, or ask the administrator "
            "to enable HTTPS.";
    }
    return p;
}

http::Response redirect(int status, std::string location) {
    http::Response r;
    r.status = status;
    r.content_type.clear();
    r.add_header("Location", std::move(location));
    return r;
}

std::string login_url(std::string_view rd) {
    return rd.empty() ? std::string("/login") : "/login?rd=" + http::percent_encode(rd);
}

// The page again, with `status`, `error` and, for a lock, Retry-After.
http::Response page_with(int status, Page p, std::string error, std::string reason,
                         int retry_after = 0) {
    p.error = std::move(error);
    http::Response r = html_response(status, render(p));
    if (retry_after > 0) r.add_header("Retry-After", std::to_string(retry_after));
    r.log_reason = std::move(reason);
    return r;
}

http::Response failed(const Page& p, const Error& e) {
    return page_with(e.code == ErrorCode::unavailable ? 503 : 500, p,
                     "Something went wrong. Try again shortly.", e.detail);
}

http::Response locked(const Page& p, int retry_after) {
    return page_with(429, p,
                     "Too many failed attempts. Try again in " + human_duration(retry_after) + ".",
                     "account_locked", retry_after);
}

// The password or the code was right; an operator disabled the account.
http::Response disabled(const Page& page) {
    return page_with(403, page, "This account is disabled. Ask the administrator.",
                     "account_disabled");
}

// Signed in: the cookies of cookie mode and the resume hint, then on to rd.
Answer signed_in(Services& s, const http::Request& req, const std::string& rd,
                 const login::SignedIn& in) {
    Answer tokens =
        token_response(s, in.user, in.issued.session, in.issued.refresh_token, true, req);
    if (!tokens) return tokens;
    http::Response r = redirect(303, rd.empty() ? "/login/done" : rd);
    pass_cookies(*tokens, r);
    return r;
}

// The code step of the form.
Answer second_factor_step(Services& s, const http::Request& req, Page page,
                          const std::string& session_token) {
    // The same per-IP limit as POST /auth/mfa/verify, on top of the form's
    // login limit, which App counted before the body was read.
    if (auto limited = over_limit(s, LimitKind::mfa_verify,
                                  client_address(req, s.config.limits.trusted_proxies))) {
        return page_with(429, page,
                         "Too many attempts. Try again in " +
                             human_duration(limited->retry_after.value_or(1)) + ".",
                         limited->log_reason, limited->retry_after.value_or(1));
    }
    login::Context ctx = s.login_context();
    auto tx = db::Transaction::begin(s.db);
    if (!tx) return failed(page, tx.error());
    auto outcome = login::second_factor_login(
        ctx, *tx, session_token, http::query_param(req.body, "code"), audit_origin(req));
    if (!outcome) return failed(page, outcome.error());
    if (auto c = tx->commit(); !c) return failed(page, c.error());
    login::count_outcome(*outcome);
    return std::visit(
        Overloaded{
            [&](const login::ChallengeDead& d) -> Answer {
                return page_with(401, page, "The sign-in took too long. Enter your password again.",
                                 d.reason);
            },
            [&](const login::Locked& l) -> Answer { return locked(page, l.retry_after); },
            [&](const login::AccountDisabled&) -> Answer { return disabled(page); },
            [&](const login::WrongCode&) -> Answer {
                page.session_token = session_token;
                return page_with(401, page, "That code is not valid. Try again.", "wrong_mfa_code");
            },
            [&](const login::SignedInWithSecondFactor& in) -> Answer {
                return signed_in(s, req, page.rd, in.signed_in);
            },
        },
        *outcome);
}

// The password step of the form.
Answer password_step(Services& s, const http::Request& req, Page page) {
    page.email = forms::normalize_email(http::query_param(req.body, "email"));
    const Secret password(http::query_param(req.body, "password"));
    if (forms::email_problem(page.email) || password.empty()) {
        return page_with(400, page, "Enter a valid email address and your password.", "validation");
    }
    const bool remember_me = http::query_param(req.body, "rememberMe") == "true";
    login::Context ctx = s.login_context();
    auto tx = db::Transaction::begin(s.db);
    if (!tx) return failed(page, tx.error());
    auto outcome = login::password_login(ctx, *tx, {page.email, password, remember_me, true},
                                         audit_origin(req));
    if (!outcome) return failed(page, outcome.error());
    if (auto c = tx->commit(); !c) return failed(page, c.error());
    login::count_outcome(*outcome);
    return std::visit(
        Overloaded{
            [&](const login::Locked& l) -> Answer { return locked(page, l.retry_after); },
            [&](const login::BadCredentials& b) -> Answer {
                return page_with(401, page, "The email or password is not correct.", b.reason);
            },
            [&](const login::EmailNotVerified&) -> Answer {
                return page_with(403, page,
                                 "Verify your email address first, with the code we sent you.",
                                 "email_not_verified");
            },
            [&](const login::AccountDisabled&) -> Answer { return disabled(page); },
            [&](const login::PasswordResetRequired&) -> Answer {
                return page_with(403, page,
                                 "Set a new password first: use \"Forgot your password?\".",
                                 "password_reset_required");
            },
            [&](const login::SecondFactorNeeded& n) -> Answer {
                page.session_token = std::string(n.challenge.reveal());
                return page_with(200, page, "", "mfa_challenge");
            },
            [&](const login::SignedIn& in) -> Answer { return signed_in(s, req, page.rd, in); },
        },
        *outcome);
}

}  // namespace

Answer login_page(Services& s, const Call& call) {
    const std::string rd = allowed_rd(s, http::query_param(call.request.query, "rd"));
    Page page = blank_page(s, call.request, rd);
    if (!rd.empty()) {
        if (http::find_cookie(call.request, kResumeCookie)) {
            if (!http::find_cookie(call.request, kResumedCookie)) {
                return redirect(302, "/auth/refresh/resume?rd=" + http::percent_encode(rd));
            }
            log::warn("resume_loop")
                .str("reason",
                     "a browser resumed its session and came straight back to /login: does the "
                     "app's host get the access cookie ([http] cookie_domain)?");
        } else {
            page.try_refresh = page.notice.empty();
        }
    }
    return html_response(200, render(page));
}

Answer submit_login_form(Services& s, const Call& call) {
    const http::Request& req = call.request;
    // The portal's page (web/login.html) fills the hidden rd with its
    // script; without script its form posts to the page's own URL, so rd
    // comes in the query.
    std::string rd = http::query_param(req.body, "rd");
    if (rd.empty()) rd = http::query_param(req.query, "rd");
    Page page = blank_page(s, req, allowed_rd(s, rd));
    if (!page.notice.empty()) {
        log::warn("insecure_browser_login")
            .str("reason",
                 "a browser tried to sign in over plain HTTP to a non-loopback host, where it "
                 "drops Secure cookies: serve the portal over HTTPS (README, TLS)");
        return page_with(400, page, "Signing in needs HTTPS.", "insecure_transport");
    }
    if (auto refused = check_cookie_origin(s.config, req)) {
        return page_with(403, page,
                         "This form must be sent from the sign-in page. Reload it and try again.",
                         refused->log_reason);
    }
    const std::string session_token = http::query_param(req.body, "sessionToken");
    return session_token.empty() ? password_step(s, req, std::move(page))
                                 : second_factor_step(s, req, std::move(page), session_token);
}

Answer signed_in_page(Services&, const Call&) {
    return html_response(
        200,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>Signed in</title>\n<style>" +
            std::string(kStyle) +
            "</style></head><body>\n<main>\n<h1>You are signed in</h1>\n"
            "<p>You can close this page, or go back to the application.</p>\n"
            "</main>\n</body></html>\n");
}

Answer resume_session(Services& s, const Call& call) {
    const http::Request& req = call.request;
    const std::string rd = allowed_rd(s, http::query_param(req.query, "rd"));
    http::Response back = redirect(302, login_url(rd));
    auto token = http::find_cookie(req, kRefreshCookie);
    if (!token || token->empty()) {
        set_resume_cookie(back, 0);
        back.log_reason = "no_refresh_cookie";
        return back;
    }
    auto rotation = sessions::rotate_refresh_token(s.db, *token, s.config.tokens.refresh_grace,
                                                   audit_origin(req));
    if (!rotation) return failure(rotation.error());
    std::optional<accounts::User> user;
    if (rotation->outcome == sessions::RotateOutcome::rotated) {
        auto found = accounts::find_user_by_id(s.db, rotation->session.user_id);
        if (!found) return failure(found.error());
        // A disabled account's session was revoked; this covers a rotation
        // that got in first (login/account_state.h).
        if (*found && !(**found).disabled()) user = std::move(*found);
    }
    if (!user) {
        // Dead (expired, revoked, reused, or its user gone): the form.
        clear_cookies(back);
        set_resume_cookie(back, 0);
        back.log_reason = "refresh_refused";
        return back;
    }
    Answer tokens = token_response(s, *user, rotation->session, rotation->refresh_token, true, req);
    if (!tokens) return tokens;
    http::Response r = redirect(302, rd.empty() ? "/login/done" : rd);
    pass_cookies(*tokens, r);
    r.add_header("Set-Cookie", http::set_cookie_value({.name = kResumedCookie,
                                                       .value = "1",
                                                       .path = "/login",
                                                       .same_site = "Lax",
                                                       .max_age = kResumeGuardSeconds}));
    if (rotation->in_grace) r.log_reason = "grace_window_reuse";
    return r;
}

}  // namespace authd::api
