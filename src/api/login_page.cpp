// api/login_page.cpp
//
// POST /login calls the JSON handlers (login, complete_mfa_login, refresh)
// with a body built from the form and reads their answer back: that keeps
// one implementation of the rules until they move into the domain modules.
// What it reads is only the outcome (tokens or challenge or error code);
// the cookies the handlers set travel on unchanged.
#include "api/login_page.h"

#include <time.h>

#include "api/auth.h"
#include "api/login_api.h"
#include "api/mfa_api.h"
#include "api/registration_api.h"
#include "api/services.h"
#include "api/token_response.h"
#include "core/html_escape.h"
#include "core/log.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "http/cookie.h"
#include "http/redirect.h"
#include "json/document.h"
#include "json/writer.h"

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

// The Set-Cookie headers of a handler's answer, and the resume hint with
// them: as long-lived as the refresh cookie among them (the session's
// remaining life), or none when there is no refresh cookie.
void pass_cookies(const http::Response& answer, http::Response& r) {
    constexpr std::string_view kMaxAge = "; Max-Age=";
    for (const auto& [name, value] : answer.headers) {
        if (name != "Set-Cookie") continue;
        r.add_header(name, value);
        const size_t at = value.find(kMaxAge);
        if (value.starts_with(kRefreshCookie) && at != std::string::npos) {
            set_resume_cookie(r, std::atol(value.c_str() + at + kMaxAge.size()));
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

// Only the page's own script may run, and nothing may frame the page.  No
// form-action: a signed-in form POST is redirected to rd on an app's host,
// and browsers hold redirects of a form submission to form-action too.
const std::string& content_security_policy() {
    static const std::string policy =
        "default-src 'none'; script-src 'sha256-" + crypto::base64_encode(crypto::sha256(kScript)) +
        "'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; "
        "base-uri 'none'";
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

// Runs a JSON handler with `body` as if a client had sent it.
http::Response call_json(Handler handler, Services& s, const Call& call, std::string body) {
    auto doc = json::parse_object(body);
    if (!doc) return http::from_error(doc.error(), call.request.request_id);
    return handler(s, Call{call.request, *doc, {}});
}

// What a handler's answer says: its error code (empty for a success) and,
// for a success, whether it is an MFA challenge and its sessionToken.
struct Outcome {
    std::string error;
    std::string session_token;  // MfaChallenge
};

Outcome read_outcome(const http::Response& r) {
    Outcome o;
    auto doc = json::parse_object(r.body.empty() ? std::string_view("{}") : r.body);
    if (!doc) {
        o.error = "INTERNAL_ERROR";
        return o;
    }
    const json::Object root = doc->root();
    if (r.status >= 300) {
        auto code = root.find_string("error");
        o.error = code && *code ? **code : "INTERNAL_ERROR";
        return o;
    }
    if (auto token = root.find_string("sessionToken"); token && *token) o.session_token = **token;
    return o;
}

std::string message_for(std::string_view code, const http::Response& r) {
    if (code == "INVALID_CREDENTIALS") return "The email or password is not correct.";
    if (code == "EMAIL_NOT_VERIFIED") {
        return "Verify your email address first, with the code we sent you.";
    }
    if (code == "INVALID_MFA_CODE") return "That code is not valid. Try again.";
    if (code == "MFA_SESSION_EXPIRED")
        return "The sign-in took too long. Enter your password again.";
    if (code == "VALIDATION_ERROR") return "Enter a valid email address and your password.";
    if (code == "RATE_LIMITED") return "Too many sign-in attempts. Try again later.";
    if (code == "ACCOUNT_LOCKED") {
        for (const auto& [name, value] : r.headers) {
            if (name == "Retry-After") {
                return "Too many failed attempts. Try again in " +
                       human_duration(std::atoi(value.c_str())) + ".";
            }
        }
        return "Too many failed attempts. Try again later.";
    }
    if (code == "SERVICE_UNAVAILABLE") return "The service is unavailable. Try again shortly.";
    return "Something went wrong. Try again.";
}

// The handler's answer as the page's: its status, Retry-After and cookies.
http::Response page_from(const http::Response& answer, const Page& page) {
    http::Response r = html_response(answer.status, render(page));
    for (const auto& [name, value] : answer.headers) {
        if (name == "Retry-After" || name == "Set-Cookie") r.add_header(name, value);
    }
    r.log_reason = answer.log_reason;
    return r;
}

}  // namespace

http::Response login_page(Services& s, const Call& call) {
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

http::Response submit_login_form(Services& s, const Call& call) {
    const http::Request& req = call.request;
    const std::string_view form = req.body;
    const std::string rd = allowed_rd(s, http::query_param(form, "rd"));
    Page page = blank_page(s, req, rd);
    if (!page.notice.empty()) {
        log::warn("insecure_browser_login")
            .str("reason",
                 "a browser tried to sign in over plain HTTP to a non-loopback host, where it "
                 "drops Secure cookies: serve the portal over HTTPS (README, TLS)");
        page.error = "Signing in needs HTTPS.";
        http::Response r = html_response(400, render(page));
        r.log_reason = "insecure_transport";
        return r;
    }

    if (auto refused = check_cookie_origin(s.config, req)) {
        page.error = "This form must be sent from the sign-in page. Reload it and try again.";
        http::Response r = html_response(403, render(page));
        r.log_reason = refused->log_reason;
        return r;
    }
    const std::string session_token = http::query_param(form, "sessionToken");
    json::Writer w;
    w.begin_object();
    http::Response answer;
    if (!session_token.empty()) {
        w.key("sessionToken").string(session_token);
        w.key("code").string(http::query_param(form, "code"));
        w.end_object();
        answer = call_json(complete_mfa_login, s, call, std::move(w).str());
    } else {
        page.email = http::query_param(form, "email");
        w.key("email").string(page.email);
        w.key("password").string(http::query_param(form, "password"));
        w.key("rememberMe").boolean(http::query_param(form, "rememberMe") == "true");
        w.key("setCookie").boolean(true);
        w.end_object();
        answer = call_json(login, s, call, std::move(w).str());
    }

    const Outcome outcome = read_outcome(answer);
    if (outcome.error.empty() && !outcome.session_token.empty()) {
        page.session_token = outcome.session_token;  // the code step
        return page_from(answer, page);
    }
    if (outcome.error.empty()) {
        http::Response r = redirect(303, rd.empty() ? "/login/done" : rd);
        pass_cookies(answer, r);
        return r;
    }
    page.error = message_for(outcome.error, answer);
    if (outcome.error == "INVALID_MFA_CODE") page.session_token = session_token;
    return page_from(answer, page);
}

http::Response signed_in_page(Services&, const Call&) {
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

http::Response resume_session(Services& s, const Call& call) {
    const std::string rd = allowed_rd(s, http::query_param(call.request.query, "rd"));
    if (!http::find_cookie(call.request, kRefreshCookie)) {
        http::Response r = redirect(302, login_url(rd));
        set_resume_cookie(r, 0);
        r.log_reason = "no_refresh_cookie";
        return r;
    }
    http::Response answer = call_json(refresh, s, call, "{\"setCookie\":true}");
    if (answer.status >= 500) return answer;
    http::Response r =
        redirect(302, answer.status == 200 ? (rd.empty() ? "/login/done" : rd) : login_url(rd));
    if (answer.status == 200) {
        pass_cookies(answer, r);
        r.add_header("Set-Cookie", http::set_cookie_value({.name = kResumedCookie,
                                                           .value = "1",
                                                           .path = "/login",
                                                           .same_site = "Lax",
                                                           .max_age = kResumeGuardSeconds}));
    } else {
        clear_cookies(r);
        set_resume_cookie(r, 0);
        r.log_reason = answer.log_reason;
    }
    return r;
}

}  // namespace authd::api
