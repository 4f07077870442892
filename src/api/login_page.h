// api/login_page.h
//
// The login page for browsers, with or without JavaScript: GET /login shows
// a plain HTML form that POSTs form-encoded to /login, so a password never
// travels in a URL.  POST /login is a second front door to the sign-in use
// cases of login/ (the same lockout, limits, timing and audit as the JSON
// API), in cookie mode: their outcome becomes a redirect to rd
// (allow-listed), the code step, or the form again with a message.  A form
// POST must come from the portal's own origin (the cookie-mode CSRF guard:
// no login CSRF).
//
// Staying signed in: a browser that comes back with the resume hint cookie
// (kResumeCookie, Path=/login) and an allowed rd is sent on to
// /auth/refresh/resume, which rotates the refresh cookie and returns to rd
// without showing the form.  Without the hint (a login through the JSON
// API, or a browser that arrived from another site and so withheld the
// SameSite=Strict refresh cookie on the way), the page's script tries
// POST /auth/refresh once, same-origin, before anyone types anything.
//
// Over plain HTTP to a host that is not loopback the browser would drop the
// Secure cookies and come straight back here: the page says so instead, a
// form POST is refused before the password is looked at, and the log says
// why.
#pragma once

#include "api/call.h"

namespace authd::api {

// GET /login?rd=<url>
Answer login_page(Services& services, const Call& call);

// POST /login, form fields email, password, rememberMe, rd; or, for the
// second factor, sessionToken, code, rd.
Answer submit_login_form(Services& services, const Call& call);

// GET /login/done: where a sign-in without an rd ends.
Answer signed_in_page(Services& services, const Call& call);

// GET /auth/refresh/resume?rd=<url>: the refresh cookie rotated in cookie
// mode, then 302 to rd (allow-listed, else "/"); without a live refresh
// cookie, 302 back to /login?rd= with the hint cleared, so the form shows.
// A resume also sets a 3-second cookie in whose life /login does not resume
// again (a browser bounced straight back would otherwise loop).
Answer resume_session(Services& services, const Call& call);

}  // namespace authd::api
