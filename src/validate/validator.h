// validate/validator.h
//
// The validate pool's request handler: nginx's auth_request target,
// GET/HEAD /auth/validate (nginx routes the public path here too),
// answering per contract section 5, with the API's authentication answers
// (http/credentials.h) but without a database round trip per request:
//
//   204  X-Auth-User-Id, X-Auth-Email, X-Auth-Name (raw UTF-8),
//        X-Auth-Mfa (true/false), X-Auth-Session-Id, and X-Auth-Groups
//        (the token's groups, comma-joined) when the token has groups
//   401  INVALID_TOKEN / TOKEN_EXPIRED in X-Auth-Error and the JSON body,
//        with WWW-Authenticate; when nginx marks a browser navigation
//        (FastCGI param AUTHD_BROWSER=1) also X-Auth-Login:
//        /login?rd=<percent-encoded AUTHD_ORIGINAL_URL> when that URL is
//        on the redirect allow-list (prefixed with [http] public_url when
//        the URL is on another origin), else /login
//   403  MFA_REQUIRED when nginx sets AUTHD_REQUIRE_MFA=1 and amr lacks otp
//   403  FORBIDDEN_HEADER (also in X-Auth-Error) when nginx sets
//        AUTHD_FORWARDS_IDENTITY=1 (the location passes X-Auth-* headers
//        to an app) and the client sent an X-Auth-* header other than the
//        six nginx overwrites (User-Id, Email, Name, Mfa, Session-Id,
//        Groups); checked first, token or not
//   403  GROUP_REQUIRED (also in X-Auth-Error) when nginx sets
//        AUTHD_REQUIRE_GROUP and the token's groups hold none of those it
//        names (see groups_satisfy)
//   503  SERVICE_UNAVAILABLE when the revoked set is older than
//        kMaxStalenessMs (Postgres unreachable for that long)
//   404/405 for any other path or method, in the contract's error shape.
// Through nginx's micro-cache (nginx/snippets/authd-validate-cached.conf,
// which sets AUTHD_CACHE_KEY) every checked answer also carries
// X-Accel-Expires: "@<unix second>" on a 204 that validate/cache_policy.h
// lets nginx keep until the end of that second, "0" on everything else.
//
// Per request: the token (Authorization: Bearer, else the access cookie) is
// looked up in the verified-token cache, else verified and inserted; then
// the revoked set is refreshed (at most every 500 ms) and consulted, on
// every request, hit or miss.  The body is never read.  The original URL
// and the browser flag come only from FastCGI params nginx sets from its
// own configuration, never from client headers.
//
// Postgres outage: the worker keeps answering from its last revoked set for
// up to kMaxStalenessMs after its last successful refresh, so a blip costs
// nothing; past that a valid token gets 503 SERVICE_UNAVAILABLE (nginx's
// auth_request turns it into a 500), because the worker could no longer
// promise that a revocation is seen within a second.  The price of the
// window: a revocation committed just before the outage and not yet read by
// a worker can be missed by it until its window closes (at most
// kMaxStalenessMs after its last refresh).  A worker that sat idle for
// longer than the window answers 503 at once.  Invalid tokens still get
// their 401: refusing needs no database.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/result.h"
#include "db/connection.h"
#include "http/handler.h"
#include "http/request.h"
#include "http/response.h"
#include "keys/keyring.h"
#include "validate/revoked_sessions.h"
#include "validate/token_cache.h"

namespace authd::validate {

inline constexpr int64_t kMaxStalenessMs = 10000;
// The refresh query runs on a request's path: a Postgres that does not
// answer it within this (a lock on the table, an overloaded server) has it
// cancelled, the set stays as it was, and kMaxStalenessMs decides.  Lower
// than [database] statement_timeout_ms when that is higher.
inline constexpr int kRefreshQueryTimeoutMs = 1000;

class Validator : public http::RequestHandler {
public:
    // Loads the keyring of the configured algorithm (an error here is a
    // configuration error: the worker exits 2) and tries a first load of the
    // revoked set; Postgres being down is not an error (the worker starts
    // and answers 503 to valid tokens until it can read the set).
    // `config` must outlive the Validator.
    static Result<std::unique_ptr<Validator>> create(const Config& config);

    Validator(const Config& config, keys::Keyring keys);  // use create()

    http::Response handle(const http::Request& request) override;

private:
    http::Response check(const http::Request& request);
    http::Response unauthorized(const http::Request& request, std::string_view code,
                                std::string reason, bool had_credentials) const;
    // Refreshes the revoked set; false when it is too old to answer from.
    bool revoked_set_usable(int64_t now_ms);

    const Config& config_;
    keys::Keyring keys_;
    db::Connection db_;
    TokenCache tokens_;
    RevokedSessions revoked_;
    // The refresh time last written to the metrics, so a request writes it
    // only when a refresh happened (not once per request).
    int64_t reported_refresh_ms_ = 0;
};

// The X-Auth-Login value: "/login?rd=" + the RFC 3986 percent-encoding of
// `original_url` (every byte but A-Z a-z 0-9 - . _ ~ as %XX) when the URL
// is `allowed` (on the redirect allow-list), else "/login".  An allowed URL
// on another origin than the portal's (`public_url`, an app on another
// host or port) gets the absolute form, public_url + "/login?rd=...".
std::string login_location(std::string_view original_url, bool allowed,
                           std::string_view public_url);

// Whether a token with `groups` may pass AUTHD_REQUIRE_GROUP = `required`:
// a comma-separated list of group names, any one of which will do; spaces
// and tabs around each name are ignored, and so are empty items.  An empty (or
// all-space) `required` asks for nothing: true.  One that names no group
// at all (",") is satisfied by no one.  Names compare exactly
// (case-sensitive).  Allocates nothing.
bool groups_satisfy(const std::vector<std::string>& groups, std::string_view required);

}  // namespace authd::validate
