// api/browser_api.cpp
#include "api/browser_api.h"

#include "api/services.h"
#include "http/redirect.h"
#include "json/writer.h"

namespace authd::api {
namespace {

// The login form: email and password, then the TOTP step when the account
// has 2FA; it logs in in cookie mode and leaves through /auth/redirect, so
// the allow-list decides where the browser goes.  No inline event handlers;
// the script only talks to this origin.
constexpr std::string_view kLoginPage = R"html(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in</title>
<style>
body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;box-sizing:border-box}
button{margin-top:1rem;padding:.6rem 1.2rem}#error{color:#b00020;min-height:1.5em}
</style></head><body>
<h1>Sign in</h1>
<form id="password-step">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<form id="code-step" hidden>
<label for="code">Authentication code (or a backup code)</label><input id="code" name="code" autocomplete="one-time-code" required>
<button type="submit">Verify</button>
</form>
<p id="error" role="alert"></p>
<script>
(function () {
  var rd = new URLSearchParams(location.search).get("rd") || "/";
  var sessionToken = null;
  var error = document.getElementById("error");
  function post(path, body) {
    return fetch(path, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)})
      .then(function (r) { return r.json().then(function (j) { return {ok: r.ok, body: j}; }); });
  }
  function done() { location.assign("/auth/redirect?rd=" + encodeURIComponent(rd)); }
  document.getElementById("password-step").addEventListener("submit", function (e) {
    e.preventDefault();
    error.textContent = "";
    post("/auth/login", {email: document.getElementById("email").value,
      password: document.getElementById("password").value, setCookie: true})
      .then(function (r) {
        if (!r.ok) { error.textContent = r.body.message || "Sign-in failed"; return; }
        if (r.body.mfaRequired) {
          sessionToken = r.body.sessionToken;
          document.getElementById("password-step").hidden = true;
          document.getElementById("code-step").hidden = false;
          document.getElementById("code").focus();
          return;
        }
        done();
      });
  });
  document.getElementById("code-step").addEventListener("submit", function (e) {
    e.preventDefault();
    error.textContent = "";
    post("/auth/mfa/verify", {sessionToken: sessionToken,
      code: document.getElementById("code").value})
      .then(function (r) {
        if (!r.ok) { error.textContent = r.body.message || "Verification failed"; return; }
        done();
      });
  });
})();
</script>
</body></html>
)html";

}  // namespace

http::Response redirect_after_login(Services& s, const Call& call) {
    std::string rd = http::query_param(call.request.query, "rd");
    const bool allowed = !rd.empty() && http::redirect_allowed(rd, s.config.http.redirect_hosts);
    http::Response r;
    r.status = 302;
    r.content_type.clear();
    r.add_header("Location", allowed ? rd : "/");
    if (!allowed && !rd.empty()) r.log_reason = "redirect_refused";
    return r;
}

http::Response login_page(Services&, const Call&) {
    http::Response r;
    r.status = 200;
    r.content_type = "text/html; charset=utf-8";
    r.body = std::string(kLoginPage);
    r.add_header("Content-Security-Policy",
                 "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                 "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    r.add_header("X-Frame-Options", "DENY");
    return r;
}

http::Response demo_echo(Services&, const Call& call) {
    static constexpr std::pair<std::string_view, std::string_view> kHeaders[] = {
        {"x-auth-user-id", "X-Auth-User-Id"},
        {"x-auth-email", "X-Auth-Email"},
        {"x-auth-name", "X-Auth-Name"},
        {"x-auth-mfa", "X-Auth-Mfa"},
        {"x-auth-session-id", "X-Auth-Session-Id"},
    };
    json::Writer w;
    w.begin_object();
    for (const auto& [name, shown] : kHeaders) {
        if (const std::string* v = call.request.header(name)) w.key(shown).string(*v);
    }
    w.end_object();
    return http::json_response(200, std::move(w).str());
}

}  // namespace authd::api
